#!/usr/bin/env node
/**
 * pnpm bench:scale — tartape on trees of many small entries, next to GNU tar,
 * all measured in the same run (issue 16).
 *
 *   node bench/scale.mjs [--sizes 200000,2000000] [--seeks N] [--regen]
 *   (--help lists every option)
 *
 * Each tree is folders of 1,000 files of 0-99 bytes (the shape of the issue's
 * measurement: 1,000 x 1,000 is 1,001,001 entries), built once under
 * bench/.data/scale-<entries> and reused (a marker file says it is complete;
 * --regen rebuilds). The index is recorded outside the tree, under
 * bench/.data/scale-index, so GNU tar and tartape see the same tree.
 *
 * For each tree, after one untimed GNU tar run that warms the page cache with
 * every inode and file of it, one run of each (the trees are large; on a
 * shared machine, run it again rather than trusting one number), in this order:
 *   record        tartape record <dir> --index <db>   (the index removed first)
 *   GNU tar       tar -cf - -C <parent> <name> | cat > /dev/null  (reads every file)
 *   cat           tartape cat <dir> --index <db> | cat > /dev/null
 *   ls | tail -1  tartape ls <dir> --index <db> | tail -1
 *   seek          bench/lib/seek.mjs: openTape + createReadStream({ start }) to the first
 *                 byte at --seeks random offsets, in one process (median, max)
 *   verify        tartape verify <dir> --index <db>           (a random sample)
 *   verify --deep tartape verify <dir> --index <db> --deep    (stats and reads every entry)
 * Wall time and peak RSS come from GNU time (%e, %M) on the measured process,
 * not the shell. Index bytes an entry: the index file's size right after
 * recording (its WAL checkpointed by the close) over the entry count; reading
 * every file back (verify --deep, an upload) adds each file's MD5 to it.
 *
 * The issue's targets are printed beside the numbers, not asserted.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { TARTAPE } from "./lib/cli.mjs";
import { benchOptions } from "./lib/options.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.dirname(here);
const { flag, opt } = benchOptions("bench/scale.mjs");
if (flag("--help") || flag("-h")) {
  console.log(`usage: node bench/scale.mjs [options]
  --sizes LIST   entry counts of the trees, comma separated (default 200000,2000000); each is
                 rounded to whole folders of 1,000 files (plus the folders and the root)
  --seeks N      random offsets for the seek measurement (default 9)
  --regen        rebuild the trees under bench/.data`);
  process.exit(0);
}
const sizes = opt("--sizes", "200000,2000000").split(",").map(Number);
const seeks = Number(opt("--seeks", 9));
const regen = flag("--regen");

const dataRoot = path.join(here, ".data");
const indexRoot = path.join(dataRoot, "scale-index");
const q = (s) => `'${String(s).replace(/'/g, `'\\''`)}'`;
const FILES_PER_FOLDER = 1000;

if (!fs.existsSync(TARTAPE) || !fs.existsSync(path.join(repo, "packages/cli/dist/bundle/tartape.cjs"))) {
  console.error("bench:scale: build first (pnpm build)");
  process.exit(2);
}
if (spawnSync("/usr/bin/time", ["-f", "%M", "true"]).status !== 0) {
  console.error("bench:scale: needs GNU time at /usr/bin/time (apt-get install -y time)");
  process.exit(2);
}

/** Builds (or reuses) the tree of about `entries` entries; returns its path and exact entry count. */
function tree(entries) {
  const folders = Math.max(1, Math.round(entries / FILES_PER_FOLDER));
  const dir = path.join(dataRoot, `scale-${folders * FILES_PER_FOLDER}`);
  const marker = `${dir}.complete`;
  const count = 1 + folders * (FILES_PER_FOLDER + 1);
  if (!regen && fs.existsSync(marker)) return { dir, count };
  fs.rmSync(marker, { force: true });
  fs.rmSync(dir, { recursive: true, force: true });
  process.stdout.write(`building ${path.relative(repo, dir)} (${count.toLocaleString("en-US")} entries) ... `);
  const began = performance.now();
  fs.mkdirSync(dir, { recursive: true });
  // A fixed sequence (a linear congruential step, in doubles): the same sizes on every machine.
  let x = 1;
  for (let d = 0; d < folders; d++) {
    const folder = path.join(dir, `d${String(d).padStart(5, "0")}`);
    fs.mkdirSync(folder);
    for (let f = 0; f < FILES_PER_FOLDER; f++) {
      x = (x * 1103515245 + 12345) >>> 0;
      fs.writeFileSync(path.join(folder, `f${String(f).padStart(5, "0")}.txt`), Buffer.alloc(x % 100, 0x61));
    }
  }
  fs.writeFileSync(marker, `${count}\n`);
  console.log(`${((performance.now() - began) / 1000).toFixed(1)} s`);
  return { dir, count };
}

/** Runs `command` in bash with pipefail, GNU time on `measured` (its first word); returns seconds and peak KiB. */
function timed(measured, rest = "") {
  const out = path.join(indexRoot, "time.out");
  const script = `set -o pipefail; /usr/bin/time -f "%e %M" -o ${q(out)} ${measured} ${rest}`;
  const r = spawnSync("bash", ["-c", script], { encoding: "utf8", maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`failed (${r.status}): ${script}\n${r.stderr}`);
  // The last line: GNU time puts "Command exited with non-zero status" before it when there is one.
  const [seconds, kib] = (fs.readFileSync(out, "utf8").trim().split("\n").at(-1) ?? "").split(" ");
  return { seconds: Number(seconds), mib: Number(kib) / 1024, stdout: r.stdout };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (n, digits = 2) => n.toFixed(digits);

fs.mkdirSync(indexRoot, { recursive: true });
console.log(`bench:scale  ${new Date().toISOString()}  node ${process.version}  load ${(await import("node:os")).loadavg().map((l) => l.toFixed(2)).join(" ")}`);
const results = [];
for (const size of sizes) {
  const { dir, count } = tree(size);
  const db = path.join(indexRoot, `${path.basename(dir)}.db`);
  const idx = `--index ${q(db)}`;
  console.log(`\n${path.relative(repo, dir)}: ${count.toLocaleString("en-US")} entries`);

  // Warm-up, not timed: every inode and file of the tree read once, so that no tool pays for a
  // cold cache that the one before it warmed (the trees are read in turn).
  timed(`tar -cf - -C ${q(path.dirname(dir))} ${q(path.basename(dir))}`, "| cat > /dev/null");
  // A new index each time: one recorded again over an old one keeps the old one's free pages.
  for (const suffix of ["", "-wal", "-shm"]) fs.rmSync(db + suffix, { force: true });
  const rec = timed(`${q(TARTAPE)} record ${q(dir)} ${idx}`, "> /dev/null");
  // Measured as recorded: `verify --deep` and uploads add each file's MD5 later.
  const indexBytes = fs.statSync(db).size;
  const tar = timed(`tar -cf - -C ${q(path.dirname(dir))} ${q(path.basename(dir))}`, "| cat > /dev/null");
  const cat = timed(`${q(TARTAPE)} cat ${q(dir)} ${idx}`, "| cat > /dev/null");
  const ls = timed(`${q(TARTAPE)} ls ${q(dir)} ${idx}`, "| tail -1");
  // In one process, per offset: openTape + createReadStream({ start }) until the first byte.
  const seek = timed(`node ${q(path.join(here, "lib/seek.mjs"))} ${q(dir)} ${q(db)} ${seeks} 42`);
  const seekTimes = JSON.parse(seek.stdout.trim()).ms;
  const seekRss = seek.mib;
  const verify = timed(`${q(TARTAPE)} verify ${q(dir)} ${idx}`, "> /dev/null");
  const deep = timed(`${q(TARTAPE)} verify ${q(dir)} ${idx} --deep`, "> /dev/null");
  results.push({ count, rec, tar, cat, ls, seek: median(seekTimes), seekRss, verify, deep, perEntry: indexBytes / count });

  const row = (name, t, note = "") => console.log(`  ${name.padEnd(28)} ${fmt(t.seconds).padStart(8)} s  ${fmt(t.mib, 0).padStart(5)} MiB  ${note}`);
  row("record", rec, `${fmt(rec.seconds / tar.seconds)}x GNU tar's time (target <= 1.0)`);
  row("GNU tar -cf - | cat", tar);
  row("cat | cat", cat, `${fmt(tar.seconds / cat.seconds)}x GNU tar's throughput (target >= 0.7; RSS < 100 MiB)`);
  row("ls | tail -1", ls);
  console.log(
    `  ${"start at a random offset".padEnd(28)} ${fmt(median(seekTimes), 1).padStart(6)} ms  ${fmt(seekRss, 0).padStart(5)} MiB  median of ${seeks}, max ${fmt(Math.max(...seekTimes), 1)} ms: open + first byte in one process (bench/lib/seek.mjs; target < 50 ms)`,
  );
  row("verify (sample)", verify);
  row("verify --deep", deep);
  console.log(`  ${"index".padEnd(28)} ${fmt(indexBytes / 2 ** 20, 1).padStart(8)} MiB  ${fmt(indexBytes / count, 1)} bytes an entry (issue: 110 before)`);
}
if (results.length > 1) {
  const [a, b] = [results[0], results.at(-1)];
  console.log(
    `\nrecord peak RSS, ${b.count.toLocaleString("en-US")} vs ${a.count.toLocaleString("en-US")} entries: ${fmt(b.rec.mib, 0)} / ${fmt(a.rec.mib, 0)} MiB = ${fmt(b.rec.mib / a.rec.mib)}x (target <= 1.3x, and < 200 MiB)`,
  );
}
