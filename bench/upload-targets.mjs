#!/usr/bin/env node
/**
 * pnpm bench:upload-targets — the tartape CLI uploading one tape to each of its
 * other targets (a local file, Azure Blob Storage on Azurite, GCS on
 * fake-gcs-server), next to a single plain write of the same bytes to the same
 * place: `cp` of the tape file for the file target, one `curl -T` PUT Blob
 * (with a SAS) to Azurite, one `curl` media upload to fake-gcs-server. Those
 * are the ceilings: one stream, no parts, no checksum.
 *
 *   node bench/upload-targets.mjs [--size 1GiB] [--part-size 64MiB] [--concurrency 4] [--reps 2] [--only file,azure,gcs]
 *
 * Every command runs under /usr/bin/time (wall, CPU and peak RSS of the whole
 * process, start-up included), alternating, each object checked for size. The
 * data is bench:upload's (8 files of pseudo-random bytes), cached under bench/.data.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { BlobSASPermissions, BlobServiceClient, generateBlobSASQueryParameters, StorageSharedKeyCredential } from "@azure/storage-blob";
import { openTape, record } from "@tartape/core";
import { AZURITE_ACCOUNT_KEY, AZURITE_ACCOUNT_NAME, startAzurite, startFakeGcs } from "@tartape/integration";
import { uploadDataset } from "./upload/data.mjs";
import { runTimed } from "./upload/external.mjs";
import { TARTAPE } from "./lib/cli.mjs";
import { benchOptions } from "./lib/options.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const MiB = 1024 * 1024;
const { flag, opt, parseBytes, parseCount } = benchOptions("bench/upload-targets.mjs");
if (flag("--help") || flag("-h")) {
  console.log("usage: node bench/upload-targets.mjs [--size 1GiB] [--part-size 64MiB] [--concurrency 4] [--reps 2] [--only file,azure,gcs]");
  process.exit(0);
}
const sizeBytes = parseBytes("--size", opt("--size", "1GiB"));
const partSize = parseBytes("--part-size", opt("--part-size", "64MiB"));
const concurrency = parseCount("--concurrency", opt("--concurrency", "4"), 1);
const reps = parseCount("--reps", opt("--reps", "2"), 1);
const only = opt("--only", "file,azure,gcs").split(",");

const log = (s) => console.log(s);
const fmt = (x, d = 1) => (x === undefined || Number.isNaN(x) ? "-" : x.toFixed(d));
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const NODE = process.execPath;

const dataRoot = path.join(here, ".data");
const { dir, parent } = uploadDataset({ dataRoot, bigCount: 8, bigBytes: Math.floor(sizeBytes / 8 / MiB) * MiB, smallCount: 0, regen: false, log });
const indexPath = path.join(parent, "index.db");
const recorded = await record(dir, { indexPath, overwrite: true });
const totalSize = recorded.totalSize;
const tapeFile = path.join(parent, "tape.tar");
if (!fs.existsSync(tapeFile) || fs.statSync(tapeFile).size !== totalSize) {
  const tape = openTape(dir, { indexPath });
  await new Promise((resolve, reject) => tape.createReadStream().pipe(fs.createWriteStream(tapeFile)).on("finish", resolve).on("error", reject));
  tape.close();
}
// Warm the page cache for everyone.
for await (const _ of fs.createReadStream(tapeFile, { highWaterMark: 8 * MiB }));
log(`tartape upload-targets benchmark — ${new Date().toISOString()}; node ${process.version}, ${os.cpus().length} cores; load ${os.loadavg().map((x) => fmt(x, 2)).join(" ")}`);
log(`tape: ${fmt(totalSize / MiB)} MiB (${totalSize} bytes); part size ${partSize / MiB} MiB, concurrency ${concurrency}, ${reps} run(s) each, alternating`);

const work = fs.mkdtempSync(path.join(os.tmpdir(), "tartape-bench-targets-"));
const servers = [];
const cases = [];
try {
  if (only.includes("file")) {
    cases.push({
      target: "file",
      tartape: (run) => ({ args: [path.join(work, `${run}.tar`)] }),
      plain: { label: "cp of the tape file", run: (run) => ({ command: "cp", args: [tapeFile, path.join(work, `${run}-plain.tar`)] }) },
      sizeOf: async (run, plain) => fs.statSync(path.join(work, `${run}${plain ? "-plain" : ""}.tar`)).size,
      cleanup: async (run, plain) => fs.rmSync(path.join(work, `${run}${plain ? "-plain" : ""}.tar`), { force: true }),
    });
  }
  if (only.includes("azure")) {
    const azurite = await startAzurite();
    servers.push(azurite);
    const service = BlobServiceClient.fromConnectionString(azurite.connectionString);
    const container = service.getContainerClient("bench");
    await container.create();
    const credential = new StorageSharedKeyCredential(AZURITE_ACCOUNT_NAME, AZURITE_ACCOUNT_KEY);
    const sas = (blob) =>
      generateBlobSASQueryParameters({ containerName: "bench", blobName: blob, permissions: BlobSASPermissions.parse("cw"), expiresOn: new Date(Date.now() + 3600_000) }, credential).toString();
    cases.push({
      target: "azure",
      tartape: (run) => ({ args: [`az://bench/${run}.tar`], env: { AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString } }),
      plain: {
        label: "one curl PUT Blob",
        run: (run) => ({
          command: "curl",
          args: ["-sS", "--fail", "-o", "/dev/null", "-X", "PUT", "-H", "x-ms-blob-type: BlockBlob", "-T", tapeFile, `${container.url}/${run}-plain.tar?${sas(`${run}-plain.tar`)}`],
        }),
      },
      sizeOf: async (run, plain) => (await container.getBlobClient(`${run}${plain ? "-plain" : ""}.tar`).getProperties()).contentLength,
      cleanup: async (run, plain) => void (await container.getBlobClient(`${run}${plain ? "-plain" : ""}.tar`).deleteIfExists()),
    });
  }
  if (only.includes("gcs")) {
    const gcs = await startFakeGcs();
    servers.push(gcs);
    const created = await fetch(`${gcs.endpoint}/storage/v1/b`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "bench" }) });
    if (!created.ok) throw new Error(`fake-gcs-server refused to create the bucket: ${created.status}`);
    const objectUrl = (name) => `${gcs.endpoint}/storage/v1/b/bench/o/${encodeURIComponent(name)}`;
    cases.push({
      target: "gcs",
      tartape: (run) => ({ args: [`gs://bench/${run}.tar`, "--endpoint", gcs.endpoint] }),
      plain: {
        label: "one curl media upload",
        run: (run) => ({
          command: "curl",
          args: ["-sS", "--fail", "-o", "/dev/null", "-X", "POST", "-H", "content-type: application/octet-stream", "-T", tapeFile, `${gcs.endpoint}/upload/storage/v1/b/bench/o?uploadType=media&name=${run}-plain.tar`],
        }),
      },
      sizeOf: async (run, plain) => Number((await (await fetch(objectUrl(`${run}${plain ? "-plain" : ""}.tar`))).json()).size),
      cleanup: async (run, plain) => void (await fetch(objectUrl(`${run}${plain ? "-plain" : ""}.tar`), { method: "DELETE" })),
    });
  }

  for (const c of cases) {
    c.rows = { tartape: [], plain: [] };
    for (let rep = 1; rep <= reps; rep++) {
      for (const kind of ["tartape", "plain"]) {
        const run = `run-${rep}`;
        let spec;
        if (kind === "tartape") {
          const runIndex = path.join(work, `${c.target}-${run}.db`);
          fs.copyFileSync(indexPath, runIndex);
          const t = c.tartape(run);
          spec = { command: TARTAPE, args: ["upload", dir, ...t.args, "--part-size", `${partSize / MiB}MiB`, "--concurrency", `${concurrency}`, "--index", runIndex], env: t.env };
        } else {
          spec = c.plain.run(run);
        }
        const r = await runTimed(spec.command, spec.args, { env: spec.env });
        const size = await c.sizeOf(run, kind === "plain");
        if (size !== totalSize) throw new Error(`${c.target} ${kind} run ${rep}: the object is ${size} bytes, the tape ${totalSize}.`);
        await c.cleanup(run, kind === "plain");
        r.mibps = totalSize / MiB / r.seconds;
        c.rows[kind].push(r);
        log(`  ${c.target.padEnd(6)} ${kind.padEnd(8)} run ${rep}: ${fmt(r.mibps).padStart(7)} MiB/s  ${fmt(r.seconds, 2).padStart(6)} s  CPU ${fmt(r.cpuSeconds, 2).padStart(5)} s  peak RSS ${fmt(r.peakRssKiB / 1024).padStart(6)} MiB`);
      }
    }
  }
} finally {
  await Promise.all(servers.map((s) => s.stop()));
  fs.rmSync(work, { recursive: true, force: true });
}

const hr = "-".repeat(100);
const gib = totalSize / 1024 ** 3;
log(`\n${hr}\nRESULTS (medians; whole processes under /usr/bin/time, start-up included)\n${hr}`);
log(`  ${"target".padEnd(7)} ${"uploader".padEnd(36)} ${"MiB/s".padStart(7)} ${"CPU s/GiB".padStart(10)} ${"peak RSS MiB".padStart(13)}  ratio to the plain write`);
for (const c of cases) {
  const summary = (rows) => ({ mibps: median(rows.map((r) => r.mibps)), cpu: median(rows.map((r) => r.cpuSeconds)) / gib, rss: Math.max(...rows.map((r) => r.peakRssKiB)) / 1024 });
  const t = summary(c.rows.tartape);
  const p = summary(c.rows.plain);
  log(`  ${c.target.padEnd(7)} ${"tartape upload (CLI)".padEnd(36)} ${fmt(t.mibps).padStart(7)} ${fmt(t.cpu, 2).padStart(10)} ${fmt(t.rss).padStart(13)}  ${fmt(t.mibps / p.mibps, 2)}x throughput`);
  log(`  ${"".padEnd(7)} ${c.plain.label.padEnd(36)} ${fmt(p.mibps).padStart(7)} ${fmt(p.cpu, 2).padStart(10)} ${fmt(p.rss).padStart(13)}`);
}
log(`load average at the end: ${os.loadavg().map((x) => fmt(x, 2)).join(" ")} (on ${os.cpus().length} cores)`);
