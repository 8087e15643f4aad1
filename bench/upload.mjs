#!/usr/bin/env node
/**
 * pnpm bench:upload — tartape's uploader (uploadTape + s3Target) next to
 * @aws-sdk/lib-storage's Upload, both sending the same tape to a local MinIO.
 *
 *   node bench/upload.mjs [--quick] [--size 2GiB] [--part-size 64MiB] [--concurrency 4]
 *                         [--reps 2] [--small-count 3000] [--lib-checksum default|when_required]
 *                         [--cpu-prof] [--regen] [--no-rclone] [--no-commands]
 *
 * The source directory (8 files of pseudo-random bytes + small files) is built
 * once under bench/.data and reused; its tape is recorded into an index kept
 * outside it. The tape is read once (SHA-256) so the page cache is warm for
 * everyone, then the uploaders run alternately (ours, ours with MD5, lib-storage, the commands, ours, …),
 * each run in a process of its own: its peak RSS (VmHWM) is that uploader's
 * alone. lib-storage's body is the tape's own read stream: the same bytes, so
 * the uploader is the only difference. After each run the object's size must
 * equal the tape's; the first run of each uploader also compares the object's
 * SHA-256 with the tape's. Targets are printed, not asserted.
 *
 * Whole commands run too, under /usr/bin/time (start-up included, as a user
 * sees them), fed the same bytes: the tartape CLI (`tartape upload`, default
 * options), rclone 1.76 (`rclone rcat` of the tape written to a file, the
 * same part size and concurrency; built with `go install` into the tartape
 * cache when missing), and one `curl -T` PUT of that file (no multipart, no
 * checksum): the ceiling of what the server takes from one stream.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { openTape, record } from "@tartape/core";
import { binDir, startMinio } from "@tartape/integration";
import { findRclone, runTimed } from "./upload/external.mjs";
import { TARTAPE } from "./lib/cli.mjs";
import { benchOptions } from "./lib/options.mjs";
import { BenchBucket } from "./upload/bucket.mjs";
import { uploadDataset } from "./upload/data.mjs";
import { cpuSeconds, findPid } from "./upload/server-cpu.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const MiB = 1024 * 1024;

// ---------------------------------------------------------------- options
const { flag, opt, usageError, parseBytes, parseCount } = benchOptions("bench/upload.mjs");
if (flag("--help") || flag("-h")) {
  console.log(`usage: node bench/upload.mjs [options]
  --quick                a 512 MiB tape instead of 2 GiB
  --size SIZE            total size of the big files, split over 8 of them (default 2GiB; plain numbers are MiB)
  --part-size SIZE       part size of both uploaders (default 64MiB)
  --concurrency N        parts in flight: uploadTape's concurrency, lib-storage's queueSize (default 4)
  --reps N               runs of each uploader, alternating (default 2)
  --small-count N        small files (0..16 KiB) next to the big ones (default 3000)
  --lib-checksum MODE    lib-storage's client: "default" (SDK default, CRC32 per part) or "when_required"
  --cpu-prof             write a V8 CPU profile of every upload child to bench/.data/upload-profiles
                         (read one with: node bench/upload/profile-summary.mjs <file.cpuprofile>)
  --regen                rebuild the source directory
  --no-rclone            leave out rclone (and do not build it)
  --no-commands          leave out the whole-command rows (tartape CLI, rclone, curl)`);
  process.exit(0);
}
const quick = flag("--quick");
const BIG_COUNT = 8;
const sizeBytes = parseBytes("--size", opt("--size", quick ? "512MiB" : "2GiB"));
const partSize = parseBytes("--part-size", opt("--part-size", "64MiB"));
const concurrency = parseCount("--concurrency", opt("--concurrency", "4"), 1);
const reps = parseCount("--reps", opt("--reps", "2"), 1);
const smallCount = parseCount("--small-count", opt("--small-count", "3000"), 0);
const libChecksum = opt("--lib-checksum", "default");
if (!["default", "when_required"].includes(libChecksum)) usageError(`--lib-checksum expects default or when_required, got ${JSON.stringify(libChecksum)}.`);
const cpuProf = flag("--cpu-prof");
const regen = flag("--regen");
const withCommands = !flag("--no-commands");
const withRclone = withCommands && !flag("--no-rclone");
const bigBytes = Math.floor(sizeBytes / BIG_COUNT / MiB) * MiB;
if (bigBytes < MiB) usageError(`--size must be at least ${BIG_COUNT} MiB (it is split over ${BIG_COUNT} files of whole MiB).`);
if (partSize < 5 * MiB) usageError("--part-size must be at least 5 MiB (S3's minimum part size).");

const dataRoot = path.join(here, ".data");
const profileDir = path.join(dataRoot, "upload-profiles");
const NODE = process.execPath;

// ---------------------------------------------------------------- helpers
const log = (s) => console.log(s);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const fmt = (x, d = 1) => (x === undefined || Number.isNaN(x) ? "-" : x.toFixed(d));
const mib = (bytes) => `${fmt(bytes / MiB, bytes % MiB ? 1 : 0)} MiB`;
const rel = (p) => path.relative(process.cwd(), p) || ".";

async function sha256OfTape(dir, indexPath) {
  const tape = openTape(dir, { indexPath });
  try {
    const hash = createHash("sha256");
    for await (const chunk of tape.createReadStream()) hash.update(chunk);
    return hash.digest("hex");
  } finally {
    tape.close();
  }
}

/** Runs one whole command under /usr/bin/time; the same report as a child's, with its whole wall time. */
async function runCommand({ command, args, stdinFile, env }) {
  const r = await runTimed(command, args, { stdinFile, env });
  return { ...r, wall: r.seconds, rssBeforeKiB: NaN };
}

/** Runs one uploader child; resolves to its report line plus its wall time, or rejects with its stderr. */
function runChild(script, job) {
  const args = [...(cpuProf ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=${job.key.replaceAll("/", "_")}.cpuprofile`] : []), script, JSON.stringify(job)];
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(NODE, args, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("error", reject);
    child.on("close", (code, signal) => {
      const wall = Number(process.hrtime.bigint() - t0) / 1e9;
      const line = out.trim().split("\n").pop();
      if (code !== 0 || !line) return reject(new Error(`${path.basename(script)} failed (${signal ?? `exit ${code}`}):\n${err.trim() || out.trim()}`));
      resolve({ ...JSON.parse(line), wall });
    });
  });
}

// ---------------------------------------------------------------- main
const uploaders = [
  { id: "ours", label: "tartape (checksum crc32, default)", script: path.join(here, "upload", "run-ours.mjs"), runs: [] },
  { id: "md5", label: "tartape (checksum md5)", script: path.join(here, "upload", "run-ours.mjs"), runs: [], job: { s3Checksum: "md5" } },
  { id: "lib", label: "@aws-sdk/lib-storage Upload", script: path.join(here, "upload", "run-lib-storage.mjs"), runs: [] },
];
/** Whole commands: { command, args, stdinFile?, env? } for a job. */
const commands = [
  {
    id: "cli",
    label: "tartape upload (CLI, defaults)",
    usesIndex: true,
    command: (job) => ({
      command: TARTAPE,
      args: ["upload", job.dir, `s3://${job.bucket}/${job.key}`, "--endpoint", job.endpoint, "--part-size", `${job.partSize / MiB}MiB`, "--concurrency", `${job.concurrency}`, "--index", job.indexPath],
      env: { AWS_ACCESS_KEY_ID: job.accessKeyId, AWS_SECRET_ACCESS_KEY: job.secretAccessKey, AWS_REGION: job.region },
    }),
  },
  {
    id: "rclone",
    label: "rclone 1.76 rcat (tape file)",
    command: (job) => ({
      command: job.rclone,
      args: ["rcat", `bench:${job.bucket}/${job.key}`, "--s3-chunk-size", `${job.partSize / MiB}M`, "--s3-upload-concurrency", `${job.concurrency}`],
      stdinFile: job.tapeFile,
      env: {
        RCLONE_CONFIG_BENCH_TYPE: "s3",
        RCLONE_CONFIG_BENCH_PROVIDER: "Minio",
        RCLONE_CONFIG_BENCH_ENDPOINT: job.endpoint,
        RCLONE_CONFIG_BENCH_REGION: job.region,
        RCLONE_CONFIG_BENCH_ACCESS_KEY_ID: job.accessKeyId,
        RCLONE_CONFIG_BENCH_SECRET_ACCESS_KEY: job.secretAccessKey,
      },
    }),
  },
  {
    id: "curl",
    label: "one curl -T PUT (ceiling)",
    command: (job) => ({
      command: "curl",
      args: ["-sS", "--fail", "-o", "/dev/null", "-T", job.tapeFile, "-H", "x-amz-content-sha256: UNSIGNED-PAYLOAD", "--aws-sigv4", `aws:amz:${job.region}:s3`, "--user", `${job.accessKeyId}:${job.secretAccessKey}`, `${job.endpoint}/${job.bucket}/${job.key}`],
    }),
  },
].filter((c) => withCommands && (c.id !== "rclone" || withRclone));
for (const c of commands) uploaders.push({ ...c, runs: [] });

log(`tartape upload benchmark — ${new Date().toISOString()}`);
const loadavg = () => os.loadavg().map((x) => fmt(x, 2)).join(" ");
log(`node ${process.version}, ${os.cpus().length} cores, ${fmt(os.totalmem() / 1024 ** 3)} GiB RAM; load average ${loadavg()}`);

const { dir, parent, built } = uploadDataset({ dataRoot, bigCount: BIG_COUNT, bigBytes, smallCount, regen, log });
if (!built) log(`source: ${rel(dir)} (reused; --regen rebuilds it)`);
const indexPath = path.join(parent, "index.db");
const recorded = await record(dir, { indexPath, overwrite: true });
const totalSize = recorded.totalSize;
log(`tape: ${recorded.entryCount} entries, ${totalSize} bytes (${mib(totalSize)}), fingerprint ${recorded.fingerprint.slice(0, 16)}…; index ${rel(indexPath)}`);

// The warm-up read: every byte in the page cache before any timed run, and the reference digest.
let t0 = Date.now();
const tapeSha = await sha256OfTape(dir, indexPath);
log(`warm-up read of the tape (SHA-256 ${tapeSha.slice(0, 16)}…): ${fmt((Date.now() - t0) / 1000, 2)} s`);
if (cpuProf) fs.mkdirSync(profileDir, { recursive: true });

// The tape as a file, for the commands that upload a file (rclone, curl): the same bytes.
let tapeFile;
let rclone = null;
if (commands.length > 0) {
  tapeFile = path.join(parent, "tape.tar");
  const stamp = `${tapeFile}.sha256`;
  if (!fs.existsSync(tapeFile) || !fs.existsSync(stamp) || fs.readFileSync(stamp, "utf8").trim() !== tapeSha) {
    const tape = openTape(dir, { indexPath });
    try {
      await new Promise((resolve, reject) => tape.createReadStream().pipe(fs.createWriteStream(tapeFile)).on("finish", resolve).on("error", reject));
    } finally {
      tape.close();
    }
    fs.writeFileSync(stamp, `${tapeSha}\n`);
  }
  log(`tape file for rclone and curl: ${rel(tapeFile)}`);
  if (withRclone) {
    rclone = findRclone(binDir(), log);
    if (!rclone) uploaders.splice(uploaders.findIndex((u) => u.id === "rclone"), 1);
  }
}

const runDir = fs.mkdtempSync(path.join(parent, "runs-"));
let minio;
let bucket;
const stopAll = async () => {
  try {
    await bucket?.remove();
  } catch (err) {
    console.error(`! could not remove bucket ${bucket.name}: ${err.message}`);
  }
  await minio?.stop();
  fs.rmSync(runDir, { recursive: true, force: true });
};
process.once("SIGINT", () => stopAll().finally(() => process.exit(130)));

try {
  t0 = Date.now();
  minio = await startMinio();
  bucket = new BenchBucket(minio, "tartape-bench");
  await bucket.create();
  const minioPid = minio.dataDir ? findPid(minio.dataDir) : undefined;
  log(`MinIO at ${minio.endpoint} (started in ${fmt((Date.now() - t0) / 1000, 1)} s; data ${minio.dataDir ?? "external"})`);

  const baseJob = {
    dir,
    endpoint: minio.endpoint,
    region: minio.region,
    accessKeyId: minio.accessKey,
    secretAccessKey: minio.secretKey,
    bucket: bucket.name,
    partSize,
    concurrency,
    ...(libChecksum === "when_required" ? { checksum: "WHEN_REQUIRED" } : {}),
  };
  log(`parameters: partSize ${mib(partSize)} (${Math.ceil(totalSize / partSize)} parts), concurrency ${concurrency} (lib-storage queueSize ${concurrency}), ${reps} run(s) each, alternating`);
  log(`  ours:        uploadTape(dir, s3Target({ endpoint, bucket, key, partSize: ${partSize} }), { concurrency: ${concurrency}, indexPath: <fresh copy of the recorded index> })`);
  log(`  md5:         the same with s3Target({ ..., checksum: "md5" }): Content-MD5 per part (a second read of each part, and MD5)`);
  log(
    `  lib-storage: new Upload({ client: new S3Client({ endpoint, forcePathStyle${libChecksum === "when_required" ? ', requestChecksumCalculation: "WHEN_REQUIRED"' : ""} }), params: { Body: openTape(dir).createReadStream() }, partSize: ${partSize}, queueSize: ${concurrency} })`,
  );

  for (let rep = 1; rep <= reps; rep++) {
    for (const u of uploaders) {
      const key = `run-${rep}-${u.id}.tar`;
      const job = { ...baseJob, ...u.job, key, tapeFile, rclone };
      if (u.id !== "lib" && (!u.command || u.usesIndex)) {
        // A fresh copy of the recorded index each time: no upload state from an earlier run.
        job.indexPath = path.join(runDir, `${key}.index.db`);
        for (const suffix of ["", "-wal"]) if (fs.existsSync(indexPath + suffix)) fs.copyFileSync(indexPath + suffix, job.indexPath + suffix);
      } else {
        job.indexPath = indexPath;
      }
      const serverCpu0 = cpuSeconds(minioPid);
      const r = u.command ? await runCommand(u.command(job)) : await runChild(u.script, job);
      const serverCpu1 = cpuSeconds(minioPid);
      r.serverCpu = serverCpu0 === undefined || serverCpu1 === undefined ? undefined : serverCpu1 - serverCpu0;
      r.mibps = totalSize / MiB / r.seconds;

      const size = await bucket.size(key);
      if (size !== totalSize) throw new Error(`${u.label}, run ${rep}: the object is ${size} bytes, the tape ${totalSize}.`);
      let check = `size ${size} ok`;
      if (rep === 1) {
        const sha = await bucket.sha256(key);
        if (sha !== tapeSha) throw new Error(`${u.label}, run ${rep}: the object's SHA-256 is ${sha}, the tape's ${tapeSha}.`);
        check += ", SHA-256 = tape's";
      }
      await bucket.delete(key);
      fs.rmSync(path.join(runDir, `${key}.index.db`), { force: true });
      u.runs.push(r);
      log(
        `  run ${rep} ${u.id.padEnd(4)} ${fmt(r.mibps).padStart(7)} MiB/s  ${fmt(r.seconds, 2).padStart(6)} s  CPU ${fmt(r.cpuSeconds, 2).padStart(6)} s  ` +
          `MinIO CPU ${fmt(r.serverCpu, 2).padStart(6)} s  peak RSS ${fmt(r.peakRssKiB / 1024).padStart(6)} MiB (${fmt(r.rssBeforeKiB / 1024)} before upload)  ${check}`,
      );
    }
  }
} finally {
  await stopAll();
}

// ---------------------------------------------------------------- report
for (const u of uploaders) {
  u.mibps = median(u.runs.map((r) => r.mibps));
  u.peakMiB = Math.max(...u.runs.map((r) => r.peakRssKiB)) / 1024;
  u.beforeMiB = Math.max(...u.runs.map((r) => r.rssBeforeKiB)) / 1024;
  u.cpu = median(u.runs.map((r) => r.cpuSeconds));
  u.serverCpu = median(u.runs.map((r) => r.serverCpu ?? NaN));
  u.totalCpu = median(u.runs.map((r) => r.cpuSeconds + (r.serverCpu ?? NaN)));
  u.min = Math.min(...u.runs.map((r) => r.mibps));
  u.max = Math.max(...u.runs.map((r) => r.mibps));
}
const lib = uploaders.find((u) => u.id === "lib");
const ourRows = uploaders.filter((u) => u.id === "ours" || u.id === "md5");
const hr = "-".repeat(112);
log(`\n${hr}\nRESULTS: ${mib(totalSize)} tape (${totalSize} bytes, ${recorded.entryCount} entries), partSize ${mib(partSize)}, concurrency ${concurrency}, ${reps} run(s) each, MinIO on loopback`);
log(`MiB/s = tape bytes / time of the upload call inside the child (median); peak RSS = the child's VmHWM (max over runs);`);
log(`CPU s = the child's user+system time, MinIO CPU s = the server's during the run, both medians: on a shared machine they are steadier than wall time\n${hr}`);
log(`  ${"uploader".padEnd(32)} ${"MiB/s".padStart(8)} ${"min-max".padStart(13)} ${"CPU s".padStart(7)} ${"MinIO CPU s".padStart(12)} ${"sum CPU s".padStart(10)} ${"peak RSS MiB".padStart(13)} ${"RSS before MiB".padStart(15)}`);
for (const u of uploaders) {
  log(
    `  ${u.label.padEnd(32)} ${fmt(u.mibps).padStart(8)} ${`${fmt(u.min)}-${fmt(u.max)}`.padStart(13)} ${fmt(u.cpu, 2).padStart(7)} ${fmt(u.serverCpu, 2).padStart(12)} ${fmt(u.totalCpu, 2).padStart(10)} ${fmt(u.peakMiB).padStart(13)} ${fmt(u.beforeMiB).padStart(15)}`,
  );
}
for (const u of ourRows) {
  log(
    `  ratio ${u.id}/lib-storage: throughput ${fmt(u.mibps / lib.mibps, 2)}x, peak RSS ${fmt(u.peakMiB / lib.peakMiB, 2)}x, client CPU ${fmt(u.cpu / lib.cpu, 2)}x, client+MinIO CPU ${fmt(u.totalCpu / lib.totalCpu, 2)}x`,
  );
}
log(`${hr}\nTARGETS (printed, not asserted)${partSize === 64 * MiB && concurrency === 4 ? "" : `: the issue sets them for partSize 64 MiB and concurrency 4, this run used ${mib(partSize)} and ${concurrency}`}`);
for (const u of ourRows) {
  const speedRatio = u.mibps / lib.mibps;
  const rssRatio = u.peakMiB / lib.peakMiB;
  log(`  ${speedRatio >= 1 ? "MET " : "MISS"}  throughput >= 1.0x lib-storage's   ${u.label.padEnd(34)} ${fmt(speedRatio, 2)}x`);
  log(`  ${rssRatio <= 0.5 ? "MET " : "MISS"}  peak RSS <= 0.5x lib-storage's     ${u.label.padEnd(34)} ${fmt(rssRatio, 2)}x (${fmt(u.peakMiB)} vs ${fmt(lib.peakMiB)} MiB)`);
}
const byId = (id) => uploaders.find((u) => u.id === id);
const cli = byId("cli");
if (cli) {
  const gib = totalSize / 1024 ** 3;
  log(`${hr}\nWHOLE COMMANDS (wall time, CPU and peak RSS of the whole process, start-up included)`);
  log(`  tartape CLI: ${fmt(cli.mibps)} MiB/s, client CPU ${fmt(cli.cpu / gib, 2)} s per GiB, peak RSS ${fmt(cli.peakMiB)} MiB`);
  const peer = (id, what, test) => {
    const u = byId(id);
    if (u) log(`  ${test(u) ? "MET " : "MISS"}  ${what.padEnd(46)} ${fmt(cli.mibps / u.mibps, 2)}x throughput, ${fmt(cli.cpu / u.cpu, 2)}x CPU, ${fmt(cli.peakMiB / u.peakMiB, 2)}x peak RSS`);
  };
  peer("rclone", "throughput >= 1.2x rclone's", (u) => cli.mibps / u.mibps >= 1.2);
  peer("rclone", "peak RSS <= 0.5x rclone's", (u) => cli.peakMiB / u.peakMiB <= 0.5);
  peer("curl", "throughput >= 0.9x one curl PUT's", (u) => cli.mibps / u.mibps >= 0.9);
  log(`  ${cli.cpu / gib <= 2 ? "MET " : "MISS"}  client CPU <= 2.0 s per GiB                   ${fmt(cli.cpu / gib, 2)} s`);
}
log(`load average at the end: ${loadavg()} (on ${os.cpus().length} cores; above ~1 other processes share the CPU and wall times are noisy)`);
if (cpuProf) log(`CPU profiles: ${rel(profileDir)}/run-<rep>-<ours|md5|lib>.tar.cpuprofile (node bench/upload/profile-summary.mjs <file> lists the top functions)`);
