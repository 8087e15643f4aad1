#!/usr/bin/env node
/**
 * pnpm bench:tape — how fast tartape plays and records tapes, next to GNU tar,
 * node-tar and tar-stream, all measured in the same run.
 *
 *   node bench/tape.mjs [--quick] [--reps N] [--only big,small,record,seek]
 *                       [--no-tar-stream] [--no-cli] [--no-fs-stream] [--nice N] [--regen]
 *   (--help lists every option)
 *
 * "tartape cat" is `packages/cli/bin/tartape.cjs cat <dir> --index <db>` (run as a program, as users do) when
 * the CLI is built, plus bench/lib/tape-cat.mjs (openTape().createReadStream()
 * piped to stdout); for big files a reference row streams the same files'
 * content (no tar) with Node's own fs.createReadStream (bench/lib/fs-stream-cat.mjs).
 *
 * Data is generated once under bench/.data (reused when present; --regen
 * rebuilds it). Indexes are recorded outside the data folders so that every
 * tool sees exactly the same tree. Each throughput case: one warm-up run
 * (which also counts the output bytes with `wc -c`), then --reps timed runs,
 * tools interleaved, each output piped through `cat > /dev/null` (GNU tar
 * skips reading file contents when it writes straight to /dev/null). Medians
 * are reported. Peak RSS is the measured process itself (GNU time's %M on the
 * tool, not the shell), the maximum over all its runs.
 *
 * Targets (from the issue) are printed next to the numbers, not asserted.
 */
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { randomFillSync } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { writeRandomFile } from "./lib/random-file.mjs";
import { TARTAPE } from "./lib/cli.mjs";
import { benchOptions } from "./lib/options.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.dirname(here);
const rel = (p) => path.relative(process.cwd(), p) || ".";

// ---------------------------------------------------------------- options
const { flag, opt } = benchOptions("bench/tape.mjs");
if (flag("--help") || flag("-h")) {
  console.log(`usage: node bench/tape.mjs [options]
  --quick             small sizes (4 x 64 MiB, 2,000 x 4 KiB, 10,000 entries), 3 reps
  --reps N            timed repetitions per case (default 9, quick 3)
  --only LIST         any of big,small,record,seek (comma separated; default all)
  --big-mib N         size of each of the 4 big files in MiB (default 512)
  --small-count N     number of 4 KiB files (default 20000)
  --entries N         entries of the recording / seek tree (default 100000)
  --seeks N           random offsets for the seek test (default 25)
  --no-tar-stream     skip tar-stream
  --no-cli            do not measure packages/cli even when it is built
  --no-fs-stream      skip the reference row of big files: their content (no tar) streamed with
                      Node's fs.createReadStream, 1 MiB chunks (bench/lib/fs-stream-cat.mjs)
  --nice N            run every measured pipeline under \`nice -n N\` (e.g. -10 on a busy shared machine)
  --regen             rebuild bench/.data`);
  process.exit(0);
}
const quick = flag("--quick");
// Nine, not five: on a small shared machine single runs of the same command vary by a
// third, and the median of five still moved a ratio by 0.1 from one run to the next.
const reps = Number(opt("--reps", quick ? 3 : 9));
const bigMiB = Number(opt("--big-mib", quick ? 64 : 512));
const bigCount = 4;
const smallCount = Number(opt("--small-count", quick ? 2000 : 20000));
const smallSize = 4096;
const treeEntries = Number(opt("--entries", quick ? 10000 : 100000));
const seekCount = Number(opt("--seeks", 25));
const only = new Set(opt("--only", "big,small,record,seek").split(","));
const withTarStream = !flag("--no-tar-stream");
const withFsStream = !flag("--no-fs-stream");
const niceLevel = opt("--nice", undefined);
const regen = flag("--regen");

const NODE = process.execPath;
const dataRoot = path.join(here, ".data");
const indexRoot = path.join(dataRoot, "index");
const lib = (name) => path.join(here, "lib", name);
const cliMain = TARTAPE;

// ---------------------------------------------------------------- helpers
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const q = (s) => (/^[\w./=:@%+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
const fmt = (x, d = 1) => (x === undefined || Number.isNaN(x) ? "-" : x.toFixed(d));
const fmtInt = (x) => Math.round(x).toLocaleString("en-US");

function haveGnuTime() {
  if (!fs.existsSync("/usr/bin/time")) return false;
  const r = spawnSync("/usr/bin/time", ["-f", "%M", "true"], { encoding: "utf8" });
  return r.status === 0 && /^\d+\s*$/m.test(r.stderr);
}

let gnuTime = haveGnuTime();
if (!gnuTime) {
  console.log("! /usr/bin/time (GNU time) is missing: trying `apt-get install -y time` ...");
  spawnSync("bash", ["-c", "apt-get install -y time >/dev/null 2>&1 || (apt-get update >/dev/null 2>&1 && apt-get install -y time >/dev/null 2>&1)"], { stdio: "ignore" });
  gnuTime = haveGnuTime();
  console.log(gnuTime ? "  installed GNU time." : "  could not install it: peak RSS is sampled from /proc/<pid>/status VmHWM (may miss the very end).");
}

let rssSeq = 0;
/** Wraps the measured process (not the shell) so its peak RSS lands in a file. */
function wrap(cmd, rssFile) {
  if (gnuTime) return `/usr/bin/time -f "%M %U %S" -o ${q(rssFile)} ${cmd}`;
  return `${q(NODE)} ${q(lib("peak-rss.mjs"))} ${q(rssFile)} ${cmd}`;
}

/** Runs `bash -c` on a pipeline; returns seconds, and the measured process's peak RSS (KiB) and CPU seconds (user + system). */
function runTimed(cmd) {
  const rssFile = path.join(dataRoot, `.rss-${process.pid}-${rssSeq++}`);
  const body = `set -o pipefail; ${cmd.replaceAll("{RSS}", q(rssFile))}`;
  const script = niceLevel === undefined ? body : `exec nice -n ${Number(niceLevel)} bash -c ${q(body)}`;
  const t0 = process.hrtime.bigint();
  const r = spawnSync("bash", ["-c", script], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`command failed (${r.status}): ${script}\n${r.stderr}`);
  let rssKiB;
  let cpu;
  try {
    const [m, u, sys] = fs.readFileSync(rssFile, "utf8").trim().split("\n").pop().split(" ").map(Number);
    rssKiB = m;
    if (u !== undefined && sys !== undefined) cpu = u + sys;
    fs.rmSync(rssFile);
  } catch {}
  return { seconds, rssKiB, cpu, stdout: r.stdout };
}

// ---------------------------------------------------------------- data

/** `bench/.data/<key>/<name>`: built by `build` once; a marker file next to it says it is complete. */
function dataset(key, name, build) {
  const parent = path.join(dataRoot, key);
  const dir = path.join(parent, name);
  const marker = path.join(parent, ".complete");
  if (!regen && fs.existsSync(marker)) return dir;
  fs.rmSync(parent, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  process.stdout.write(`  generating ${rel(dir)} ... `);
  const t0 = Date.now();
  build(dir);
  execFileSync("sync");
  fs.writeFileSync(marker, new Date().toISOString());
  console.log(`${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return dir;
}

function bigData() {
  return dataset(`big-${bigCount}x${bigMiB}MiB`, "big", (dir) => {
    const buf = Buffer.allocUnsafe(8 * 1024 * 1024);
    for (let i = 0; i < bigCount; i++) writeRandomFile(path.join(dir, `part-${i}.bin`), bigMiB * 1024 * 1024, buf);
  });
}

function smallData() {
  return dataset(`small-${smallCount}x4KiB`, "small", (dir) => {
    const perDir = 1000;
    const buf = Buffer.allocUnsafe(smallSize);
    for (let i = 0; i < smallCount; i++) {
      const sub = path.join(dir, `d${String(Math.floor(i / perDir)).padStart(3, "0")}`);
      if (i % perDir === 0) fs.mkdirSync(sub);
      randomFillSync(buf);
      fs.writeFileSync(path.join(sub, `f${String(i).padStart(6, "0")}.dat`), buf);
    }
  });
}

/** A tree of exactly `treeEntries` tape entries: root, 10 dirs of 10 dirs each, files of 0..1023 bytes. */
function treeData() {
  return dataset(`tree-${treeEntries}`, "tree", (dir) => {
    const leaves = [];
    for (let a = 0; a < 10; a++) {
      const da = path.join(dir, `a${a}`);
      fs.mkdirSync(da);
      for (let b = 0; b < 10; b++) {
        const db = path.join(da, `b${b}`);
        fs.mkdirSync(db);
        leaves.push(db);
      }
    }
    const files = Math.max(0, treeEntries - 1 - 10 - 100);
    const content = Buffer.alloc(1024, 0x61);
    for (let i = 0; i < files; i++) {
      const leaf = leaves[i % leaves.length];
      fs.writeFileSync(path.join(leaf, `file-${String(i).padStart(6, "0")}.txt`), content.subarray(0, (i * 37) % 1024));
    }
  });
}

function recordIndex(dir, key) {
  fs.mkdirSync(indexRoot, { recursive: true });
  const indexPath = path.join(indexRoot, `${key}.db`);
  const out = execFileSync(NODE, [lib("record.mjs"), dir, indexPath], { encoding: "utf8" });
  return { indexPath, result: JSON.parse(out.trim().split("\n").pop()) };
}

// ---------------------------------------------------------------- tools
function cliSupportsIndex() {
  if (!fs.existsSync(cliMain)) return false;
  const r = spawnSync(NODE, [cliMain, "cat", "--help"], { encoding: "utf8" });
  return r.status === 0 && /--index\b/.test(r.stdout + r.stderr);
}
const useCli = !flag("--no-cli") && cliSupportsIndex();

function tools(dir, indexPath, { fsStream = false } = {}) {
  const parent = path.dirname(dir);
  const name = path.basename(dir);
  const list = [];
  if (useCli) list.push({ key: "tartape", label: "tartape cat (cli)", cmd: `${q(rel(cliMain))} cat ${q(rel(dir))} --index ${q(rel(indexPath))}` });
  list.push({
    key: useCli ? "tartape-lib" : "tartape",
    label: useCli ? "tartape (bench/lib/tape-cat)" : "tartape cat",
    cmd: `${q(NODE)} ${q(rel(lib("tape-cat.mjs")))} ${q(rel(dir))} --index ${q(rel(indexPath))}`,
  });
  list.push({ key: "gnu", label: "GNU tar", cmd: `tar -cf - -C ${q(rel(parent))} ${q(name)}` });
  list.push({ key: "node-tar", label: "node-tar", cmd: `${q(NODE)} ${q(rel(lib("node-tar-cat.mjs")))} ${q(rel(dir))}` });
  if (withTarStream) list.push({ key: "tar-stream", label: "tar-stream", cmd: `${q(NODE)} ${q(rel(lib("tar-stream-cat.mjs")))} ${q(rel(dir))}` });
  if (fsStream && withFsStream) {
    list.push({ key: "node-fs", label: "node fs streams (content only)", cmd: `${q(NODE)} ${q(rel(lib("fs-stream-cat.mjs")))} ${q(rel(dir))}` });
  }
  return list;
}

/** One throughput case: warm-up (counting bytes), then `reps` interleaved timed runs per tool. */
function throughputCase(title, dir, indexPath, toolOptions = {}) {
  const list = tools(dir, indexPath, toolOptions);
  console.log(`\n${title}: ${rel(dir)}`);
  console.log(`  commands (each run as: bash -c 'set -o pipefail; ${gnuTime ? "/usr/bin/time -f \"%M %U %S\" -o <file>" : "node bench/lib/peak-rss.mjs <file>"} <command> | cat > /dev/null'):`);
  for (const t of list) console.log(`    ${t.label.padEnd(30)} ${t.cmd}`);
  for (const t of list) {
    const r = runTimed(`${wrap(t.cmd, "{RSS}")} | wc -c`);
    t.bytes = Number(r.stdout.trim());
    t.times = [];
    t.cpu = [];
    t.rss = [r.rssKiB];
  }
  for (let i = 0; i < reps; i++) {
    for (const t of list) {
      const r = runTimed(`${wrap(t.cmd, "{RSS}")} | cat > /dev/null`);
      t.times.push(r.seconds);
      if (r.cpu !== undefined) t.cpu.push(r.cpu);
      t.rss.push(r.rssKiB);
    }
    process.stdout.write(`  rep ${i + 1}/${reps}\r`);
  }
  for (const t of list) {
    t.median = median(t.times);
    t.cpuMedian = t.cpu.length ? median(t.cpu) : undefined;
    t.mbps = t.bytes / 1e6 / t.median;
    t.peakMiB = Math.max(...t.rss.filter(Number.isFinite)) / 1024;
  }
  return { title, list };
}

// ---------------------------------------------------------------- main
console.log(`tartape tape benchmark — ${new Date().toISOString()}`);
console.log(
  `node ${process.version}, ${execFileSync("bash", ["-c", "tar --version | head -1"], { encoding: "utf8" }).trim()}, ${
    execFileSync("nproc", { encoding: "utf8" }).trim()
  } cores; reps ${reps}${quick ? " (quick)" : ""}; peak RSS via ${gnuTime ? "GNU time %M" : "/proc VmHWM sampling"}`,
);
if (niceLevel !== undefined) console.log(`every measured pipeline runs under nice -n ${Number(niceLevel)}`);
console.log("MB = 10^6 bytes; throughput = the tool's own output bytes / median wall time of the whole pipeline;");
console.log("CPU s = median user+system time of the measured tool process alone (not cat), steadier than wall time on a busy machine.");
const loadavg = () => fs.readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
const loadStart = loadavg();
console.log(`load average at start: ${loadStart}${Number(loadStart.split(" ")[0]) > 1 ? "  (other processes are busy: wall times will be noisy)" : ""}`);

const cases = [];
const targets = [];
let recordRes;
let seekRes;

if (only.has("big")) {
  const dir = bigData();
  const { indexPath } = recordIndex(dir, `big-${bigCount}x${bigMiB}MiB`);
  cases.push(throughputCase(`(a) ${bigCount} files of ${bigMiB} MiB, warm cache`, dir, indexPath, { fsStream: true }));
}
if (only.has("small")) {
  const dir = smallData();
  const { indexPath } = recordIndex(dir, `small-${smallCount}x4KiB`);
  cases.push(throughputCase(`(b) ${fmtInt(smallCount)} files of 4 KiB, warm cache`, dir, indexPath));
}
if (only.has("record") || only.has("seek")) {
  const dir = treeData();
  const key = `tree-${treeEntries}`;
  const indexPath = path.join(indexRoot, `${key}.db`);
  fs.mkdirSync(indexRoot, { recursive: true });
  const cmd = `${q(NODE)} ${q(rel(lib("record.mjs")))} ${q(rel(dir))} ${q(rel(indexPath))}`;
  if (only.has("record")) {
    console.log(`\n(c) recording ${fmtInt(treeEntries)} entries: ${rel(dir)}`);
    console.log(`  command: ${cmd}   (entries/s from record() inside the process; wall = whole process)`);
    const runs = [];
    runTimed(`${wrap(cmd, "{RSS}")} > /dev/null`); // warm-up: dentries and inodes in cache
    for (let i = 0; i < reps; i++) {
      const r = runTimed(`${wrap(cmd, "{RSS}")}`);
      runs.push({ ...JSON.parse(r.stdout.trim().split("\n").pop()), wall: r.seconds, rssKiB: r.rssKiB });
    }
    recordRes = {
      entries: runs[0].entries,
      eps: median(runs.map((r) => r.entriesPerSec)),
      seconds: median(runs.map((r) => r.seconds)),
      wall: median(runs.map((r) => r.wall)),
      peakMiB: Math.max(...runs.map((r) => r.rssKiB).filter(Number.isFinite)) / 1024,
    };
  } else if (!fs.existsSync(indexPath)) {
    execFileSync("bash", ["-c", cmd], { stdio: "ignore" });
  }
  if (only.has("seek")) {
    const seekCmd = `${q(NODE)} ${q(rel(lib("seek.mjs")))} ${q(rel(dir))} ${q(rel(indexPath))} ${seekCount} 42`;
    console.log(`\n(d) start playing at ${seekCount} random offsets of the ${fmtInt(treeEntries)}-entry tape`);
    console.log(`  command: ${seekCmd}   (per offset, in one process: openTape + createReadStream({start}) until the first byte)`);
    runTimed(`${wrap(seekCmd, "{RSS}")} > /dev/null`); // warm-up
    const all = [];
    const firsts = [];
    let peak = 0;
    for (let i = 0; i < reps; i++) {
      const r = runTimed(wrap(seekCmd, "{RSS}"));
      const res = JSON.parse(r.stdout.trim().split("\n").pop());
      all.push(...res.ms);
      firsts.push(res.ms[0]);
      peak = Math.max(peak, r.rssKiB ?? 0);
    }
    // And as a user sees it from a shell: a fresh process from spawn to its first stdout byte.
    const meta = JSON.parse(execFileSync(NODE, [lib("seek.mjs"), dir, indexPath, "1", "7"], { encoding: "utf8" }).trim());
    const spawnMs = [];
    for (let i = 0; i < Math.max(5, reps); i++) {
      const start = Math.floor(((i * 2654435761) % 4294967296) / 4294967296 * meta.totalSize);
      spawnMs.push(await spawnFirstByte([lib("tape-cat.mjs"), dir, "--index", indexPath, "--start", String(start)]));
    }
    seekRes = { median: median(all), max: Math.max(...all), firstMedian: median(firsts), n: all.length, peakMiB: peak / 1024, spawnMedian: median(spawnMs), spawnMax: Math.max(...spawnMs) };
  }
}

function spawnFirstByte(args) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(NODE, args, { stdio: ["ignore", "pipe", "inherit"] });
    let done = false;
    child.stdout.once("data", () => {
      done = true;
      resolve(Number(process.hrtime.bigint() - t0) / 1e6);
      child.kill();
    });
    child.stdout.resume();
    child.on("error", reject);
    child.on("exit", () => {
      if (!done) reject(new Error("no output"));
    });
  });
}

// ---------------------------------------------------------------- report
const hr = "-".repeat(96);
console.log(`\n${hr}\nRESULTS (median of ${reps} runs after one warm-up; peak RSS = max over runs)\n${hr}`);
for (const c of cases) {
  console.log(c.title);
  console.log(`  ${"tool".padEnd(30)} ${"MB/s".padStart(9)} ${"median s".padStart(9)} ${"min s".padStart(8)} ${"max s".padStart(8)} ${"CPU s".padStart(7)} ${"out MB".padStart(9)} ${"peak RSS MiB".padStart(13)}`);
  for (const t of c.list) {
    console.log(
      `  ${t.label.padEnd(30)} ${fmt(t.mbps).padStart(9)} ${fmt(t.median, 3).padStart(9)} ${fmt(Math.min(...t.times), 3).padStart(8)} ${fmt(Math.max(...t.times), 3).padStart(8)} ${fmt(t.cpuMedian, 2).padStart(7)} ${fmt(t.bytes / 1e6).padStart(9)} ${fmt(t.peakMiB).padStart(13)}`,
    );
  }
  const by = Object.fromEntries(c.list.map((t) => [t.key, t]));
  const tt = by.tartape;
  const rGnu = tt.mbps / by.gnu.mbps;
  const rNode = tt.mbps / by["node-tar"].mbps;
  console.log(`  ratio ${tt.label}: /GNU tar = ${fmt(rGnu, 2)}x    /node-tar = ${fmt(rNode, 2)}x${by["tar-stream"] ? `    /tar-stream = ${fmt(tt.mbps / by["tar-stream"].mbps, 2)}x` : ""}`);
  const ratioTargets = (who, t) => {
    const g = t.mbps / by.gnu.mbps;
    const n = t.mbps / by["node-tar"].mbps;
    if (c.title.startsWith("(a)")) targets.push([`big files >= 0.9x GNU tar (${who})`, `${fmt(g, 2)}x`, g >= 0.9]);
    else {
      targets.push([`small files >= 2x node-tar (${who})`, `${fmt(n, 2)}x`, n >= 2]);
      targets.push([`small files >= 0.5x GNU tar (${who})`, `${fmt(g, 2)}x`, g >= 0.5]);
    }
  };
  ratioTargets(tt.label, tt);
  for (const t of c.list) if (t.key.startsWith("tartape")) targets.push([`peak RSS < 100 MiB (${t.label}, ${c.title.slice(0, 3)})`, `${fmt(t.peakMiB)} MiB`, t.peakMiB < 100]);
}
if (recordRes) {
  console.log(`(c) recording ${fmtInt(recordRes.entries)} entries`);
  console.log(`  ${fmtInt(recordRes.eps)} entries/s  (record() ${fmt(recordRes.seconds, 3)} s; whole process ${fmt(recordRes.wall, 3)} s; peak RSS ${fmt(recordRes.peakMiB)} MiB)`);
  targets.push(["recording >= 50,000 entries/s", `${fmtInt(recordRes.eps)}/s`, recordRes.eps >= 50000]);
  targets.push(["peak RSS < 100 MiB (record)", `${fmt(recordRes.peakMiB)} MiB`, recordRes.peakMiB < 100]);
}
if (seekRes) {
  console.log(`(d) start playing at a random offset of the ${fmtInt(treeEntries)}-entry tape (${seekRes.n} samples)`);
  console.log(`  open + first byte: median ${fmt(seekRes.median, 2)} ms, max ${fmt(seekRes.max, 2)} ms (first open in a process: median ${fmt(seekRes.firstMedian, 2)} ms); peak RSS ${fmt(seekRes.peakMiB)} MiB`);
  console.log(`  fresh process, spawn to first stdout byte (node startup included): median ${fmt(seekRes.spawnMedian, 1)} ms, max ${fmt(seekRes.spawnMax, 1)} ms`);
  targets.push(["start at any offset < 50 ms (max)", `${fmt(seekRes.max, 2)} ms`, seekRes.max < 50]);
  targets.push(["peak RSS < 100 MiB (seek)", `${fmt(seekRes.peakMiB)} MiB`, seekRes.peakMiB < 100]);
}
console.log(`load average at start: ${loadStart}, at end: ${loadavg()} (on ${execFileSync("nproc", { encoding: "utf8" }).trim()} cores)`);
console.log(`${hr}\nTARGETS (printed, not asserted)`);
for (const [what, value, ok] of targets) console.log(`  ${ok ? "MET " : "MISS"}  ${what.padEnd(62)} ${value}`);
