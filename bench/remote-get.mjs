// `tartape get` of one 4 KiB file from a tape of many entries in a local MinIO,
// cold (a fresh CLI process, no local cache): bytes fetched from the server
// (response bodies counted by the fault proxy in front of MinIO), requests,
// and wall time from spawn to exit. Usage:
//   node bench/remote-get.mjs [--entries 100000] [--reps 5]
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { HeadObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { record, uploadTape } from "@tartape/core";
import { createBucketWhenReady, startFaultProxy, startMinio } from "@tartape/integration";
import { s3Target } from "@tartape/s3";
import { TARTAPE } from "./lib/cli.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? fallback : Number(args[i + 1]);
};
const entries = option("entries", 100_000);
const reps = option("reps", 5);
const PER_DIR = 1000;

/** `entries` entries: folders of 1000 files of 16 bytes, and one 4 KiB file in the middle. */
function buildTree(root) {
  const marker = path.join(root, ".complete");
  if (fs.existsSync(marker)) return;
  fs.rmSync(root, { recursive: true, force: true });
  const files = entries - 1 - Math.ceil(entries / (PER_DIR + 1));
  for (let i = 0, d = 0; i < files; d++) {
    const dir = path.join(root, `d${String(d).padStart(4, "0")}`);
    fs.mkdirSync(dir, { recursive: true });
    for (let j = 0; j < PER_DIR && i < files; j++, i++) fs.writeFileSync(path.join(dir, `f${String(j).padStart(5, "0")}`), `file ${String(i).padStart(10, "0")}\n`);
  }
  fs.writeFileSync(marker, "");
}

function run(argv, env) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(TARTAPE, argv, { env: { ...process.env, ...env }, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stderr, ms: Number(process.hrtime.bigint() - started) / 1e6 }));
  });
}

const root = path.join(here, ".data", `remote-${entries}`, "tree");
let t = Date.now();
buildTree(root);
const mid = path.join(root, `d${String(Math.floor(entries / PER_DIR / 2)).padStart(4, "0")}`);
fs.mkdirSync(mid, { recursive: true });
const content = randomBytes(4096);
fs.writeFileSync(path.join(mid, "target.bin"), content);
console.log(`tree ready in ${((Date.now() - t) / 1000).toFixed(1)} s`);
t = Date.now();
const recorded = await record(root, { overwrite: true });
console.log(`recorded ${recorded.entryCount} entries, tape ${recorded.totalSize} bytes, in ${((Date.now() - t) / 1000).toFixed(1)} s`);

const minio = await startMinio();
const proxy = await startFaultProxy(minio.endpoint);
try {
  const credentials = { accessKeyId: minio.accessKey, secretAccessKey: minio.secretKey };
  const client = new S3Client({ endpoint: minio.endpoint, region: minio.region, forcePathStyle: true, credentials });
  await createBucketWhenReady(client, "bench");
  t = Date.now();
  const result = await uploadTape(root, s3Target({ bucket: "bench", key: "tape.tar", endpoint: minio.endpoint, region: minio.region, credentials, partSize: 16 * 1024 * 1024 }), { concurrency: 4 });
  const catalog = await client.send(new HeadObjectCommand({ Bucket: "bench", Key: "tape.tar.tartape-catalog" }));
  console.log(`uploaded ${result.partCount} parts in ${((Date.now() - t) / 1000).toFixed(1)} s; catalog ${catalog.ContentLength} bytes (${result.catalog})`);

  const wanted = `tree/${path.relative(root, path.join(mid, "target.bin"))}`;
  const env = { AWS_ACCESS_KEY_ID: minio.accessKey, AWS_SECRET_ACCESS_KEY: minio.secretKey, AWS_REGION: minio.region };
  const out = path.join(here, ".data", "remote-get.out");
  const rows = [];
  for (let r = 0; r < reps; r++) {
    fs.rmSync(out, { force: true });
    proxy.resetStats();
    const got = await run(["get", "s3://bench/tape.tar", wanted, "-o", out, "--endpoint", proxy.endpoint], env);
    if (got.code !== 0) throw new Error(`get failed: ${got.stderr}`);
    if (!fs.readFileSync(out).equals(content)) throw new Error("get returned other bytes");
    rows.push({ ms: got.ms, bytes: proxy.stats.responseBytes, requests: proxy.stats.requests });
    console.log(`get #${r + 1}: ${got.ms.toFixed(0)} ms, ${proxy.stats.responseBytes} response bytes, ${proxy.stats.requests} requests`);
  }
  const sorted = rows.map((x) => x.ms).sort((a, b) => a - b);
  console.log(`median ${sorted[Math.floor(sorted.length / 2)].toFixed(0)} ms, max ${sorted[sorted.length - 1].toFixed(0)} ms; bytes fetched ${rows[0].bytes} (${(rows[0].bytes / 1024).toFixed(1)} KiB) in ${rows[0].requests} requests`);
  client.destroy();
} finally {
  await proxy.stop();
  await minio.stop();
}
