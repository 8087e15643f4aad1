// `pnpm bench:restore`: a tape of big and small files in a local MinIO, brought back into a
// folder three ways, alternating, in one run:
//   tartape restore s3://bench/tape.tar <dir> --concurrency 8
//   rclone cat bench:bench/tape.tar | tar -x -C <dir>          (rclone 1.76, prebuilt in ~/.cache/tartape/bin)
//   aws s3 cp s3://bench/tape.tar - | tar -x -C <dir>           (aws-cli from PyPI)
// Each run is timed from spawn to exit under /usr/bin/time, which also gives the peak RSS of
// the largest process of the run (for a pipeline: the larger of the downloader and tar).
// Usage: node bench/restore.mjs [--gib 2] [--reps 3] [--concurrency 8] [--cpu-prof DIR]
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { S3Client } from "@aws-sdk/client-s3";
import { record, uploadTape } from "@tartape/core";
import { createBucketWhenReady, startMinio } from "@tartape/integration";
import { s3Target } from "@tartape/s3";
import { TARTAPE } from "./lib/cli.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? fallback : Number(args[i + 1]);
};
const gib = option("gib", 2);
const reps = option("reps", 3);
const concurrency = option("concurrency", 8);
const profileDir = args.includes("--cpu-prof") ? path.resolve(args[args.indexOf("--cpu-prof") + 1]) : null;
const rclone = path.join(os.homedir(), ".cache", "tartape", "bin", "rclone");
const MiB = 1024 * 1024;
const SMALL_FILES = 20_000;
const SMALL_SIZE = 8 * 1024;
const BIG_SIZE = 256 * MiB;

/** Big files of 256 MiB up to the size asked for, and 20,000 files of 8 KiB in 20 folders. */
function buildTree(root) {
  const marker = path.join(root, "..", `.complete-${gib}`);
  if (fs.existsSync(marker)) return;
  fs.rmSync(root, { recursive: true, force: true });
  fs.mkdirSync(path.join(root, "big"), { recursive: true });
  let left = gib * 1024 * MiB - SMALL_FILES * SMALL_SIZE;
  for (let i = 0; left > 0; i++) {
    const size = Math.min(BIG_SIZE, left);
    const fd = fs.openSync(path.join(root, "big", `b${String(i).padStart(3, "0")}.bin`), "w");
    for (let written = 0; written < size; written += 4 * MiB) fs.writeSync(fd, randomBytes(Math.min(4 * MiB, size - written)));
    fs.closeSync(fd);
    left -= size;
  }
  for (let i = 0; i < SMALL_FILES; i++) {
    const dir = path.join(root, "small", `d${String(i % 20).padStart(2, "0")}`);
    if (i < 20) fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, `f${String(i).padStart(5, "0")}`), randomBytes(SMALL_SIZE));
  }
  fs.writeFileSync(marker, "");
}

/** Runs `argv` under /usr/bin/time: wall seconds and peak RSS (KiB) of its largest process. */
function timed(argv, env) {
  return new Promise((resolve, reject) => {
    const report = path.join(os.tmpdir(), `bench-restore-time-${process.pid}`);
    const child = spawn("/usr/bin/time", ["-f", "%e %M", "-o", report, ...argv], { env: { ...process.env, ...env }, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => {
      const [seconds, kib] = fs.readFileSync(report, "utf8").trim().split(/\s+/).slice(-2).map(Number);
      resolve({ code, stderr, seconds, rssMiB: kib / 1024 });
    });
  });
}

const data = path.join(here, ".data", "restore");
const root = path.join(data, "tree");
let t = Date.now();
buildTree(root);
console.log(`tree ready in ${((Date.now() - t) / 1000).toFixed(1)} s`);
const recorded = await record(root, { overwrite: true });
const tapeBytes = recorded.totalSize;
console.log(`recorded ${recorded.entryCount} entries, tape ${(tapeBytes / MiB).toFixed(0)} MiB`);

const minio = await startMinio();
try {
  const credentials = { accessKeyId: minio.accessKey, secretAccessKey: minio.secretKey };
  const client = new S3Client({ endpoint: minio.endpoint, region: minio.region, forcePathStyle: true, credentials });
  await createBucketWhenReady(client, "bench");
  client.destroy();
  t = Date.now();
  await uploadTape(root, s3Target({ bucket: "bench", key: "tape.tar", endpoint: minio.endpoint, region: minio.region, credentials, partSize: 64 * MiB }), { concurrency: 4 });
  console.log(`uploaded in ${((Date.now() - t) / 1000).toFixed(1)} s`);

  const awsEnv = { AWS_ACCESS_KEY_ID: minio.accessKey, AWS_SECRET_ACCESS_KEY: minio.secretKey, AWS_REGION: minio.region, AWS_DEFAULT_REGION: minio.region };
  const rcloneEnv = {
    RCLONE_CONFIG_BENCH_TYPE: "s3",
    RCLONE_CONFIG_BENCH_PROVIDER: "Minio",
    RCLONE_CONFIG_BENCH_ENDPOINT: minio.endpoint,
    RCLONE_CONFIG_BENCH_REGION: minio.region,
    RCLONE_CONFIG_BENCH_ACCESS_KEY_ID: minio.accessKey,
    RCLONE_CONFIG_BENCH_SECRET_ACCESS_KEY: minio.secretKey,
  };
  const quote = (s) => `'${s.replace(/'/g, "'\\''")}'`;
  const tools = [
    { id: "tartape", label: `tartape restore --concurrency ${concurrency}`, run: (dest) => timed([TARTAPE, "restore", "s3://bench/tape.tar", dest, "--concurrency", String(concurrency), "--endpoint", minio.endpoint], { ...awsEnv, ...(profileDir ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${profileDir}` } : {}) }) },
    ...(fs.existsSync(rclone)
      ? [{ id: "rclone", label: "rclone cat | tar -x", run: (dest) => timed(["bash", "-o", "pipefail", "-c", `${quote(rclone)} cat bench:bench/tape.tar | tar -x -C ${quote(dest)}`], rcloneEnv) }]
      : []),
    ...(spawnSync("aws", ["--version"]).status === 0
      ? [{ id: "aws", label: "aws s3 cp - | tar -x", run: (dest) => timed(["bash", "-o", "pipefail", "-c", `aws s3 cp s3://bench/tape.tar - --endpoint-url ${quote(minio.endpoint)} | tar -x -C ${quote(dest)}`], awsEnv) }]
      : []),
  ];
  const results = new Map(tools.map((tool) => [tool.id, []]));
  const probe = path.join("tree", "big", "b000.bin");
  for (let r = 0; r < reps; r++) {
    for (const tool of tools) {
      const dest = path.join(data, `out-${tool.id}`);
      fs.rmSync(dest, { recursive: true, force: true });
      fs.mkdirSync(dest, { recursive: true });
      // Every run starts with nothing left to write back: the upload's 2 GiB, or the previous
      // run's restored tree, were still being written to disk during the next run (the first
      // run, always tartape's, took 7.5-8.3 s where the others took 5.3-6.1 s).
      spawnSync("sync");
      const got = await tool.run(dest);
      if (got.code !== 0) throw new Error(`${tool.label} failed (${got.code}): ${got.stderr.slice(-2000)}`);
      if (fs.statSync(path.join(dest, probe)).size !== fs.statSync(path.join(root, "big", "b000.bin")).size) throw new Error(`${tool.label} restored a wrong ${probe}`);
      results.get(tool.id).push(got);
      console.log(`#${r + 1} ${tool.label}: ${got.seconds.toFixed(2)} s, ${(tapeBytes / MiB / got.seconds).toFixed(0)} MiB/s, peak RSS ${got.rssMiB.toFixed(0)} MiB`);
      fs.rmSync(dest, { recursive: true, force: true });
    }
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(`\n${(tapeBytes / MiB).toFixed(0)} MiB tape (${recorded.entryCount} entries), ${reps} alternating runs each, load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores:`);
  const tartapeSeconds = median(results.get("tartape").map((x) => x.seconds));
  for (const tool of tools) {
    const rows = results.get(tool.id);
    const seconds = median(rows.map((x) => x.seconds));
    console.log(
      `  ${tool.label.padEnd(36)} median ${seconds.toFixed(2)} s  ${(tapeBytes / MiB / seconds).toFixed(0).padStart(4)} MiB/s  peak RSS ${Math.max(...rows.map((x) => x.rssMiB)).toFixed(0)} MiB` +
        (tool.id === "tartape" ? "" : `  tartape throughput ${(seconds / tartapeSeconds).toFixed(2)}x`),
    );
  }
} finally {
  await minio.stop();
}
