/**
 * `tartape demo`: the whole story on the local disk, no account needed. Make
 * a sample directory, upload its tape to a file in parts, prove the file is a
 * faithful TAR, then upload again to show that a finished upload is not
 * repeated.
 */
import fs from "node:fs";
import path from "node:path";
import { Command } from "commander";
import { fileTarget, IntegrityMismatchError, openTape } from "@tartape/core";
import type { CheckResult } from "../demo/check-archive.js";
import { createSampleTree } from "../demo/sample-tree.js";
import { formatBytes } from "../output/format.js";

const PART_SIZE = 1024 * 1024;
const SAMPLE_NAME = "sample";
const TAR_NAME = "sample.tar";
const EXTRACT_NAME = "extracted";

function say(line = ""): void {
  process.stdout.write(`${line}\n`);
}

/** Removes only what an earlier demo made in `out`, never anything else the folder holds. */
function clearEarlierRun(out: string): void {
  for (const name of [SAMPLE_NAME, TAR_NAME, EXTRACT_NAME]) fs.rmSync(path.join(out, name), { recursive: true, force: true });
  if (!fs.existsSync(out)) return;
  for (const name of fs.readdirSync(out)) {
    if (name.startsWith(`.${TAR_NAME}.`) && name.endsWith(".partial")) fs.rmSync(path.join(out, name), { force: true });
  }
}

export function demoCommand(): Command {
  return new Command("demo")
    .description("make a sample directory, upload it to a local file in parts, check the result with GNU tar, and upload again")
    .option("--out <dir>", "where the demo works (default ./demo-out); only its sample, sample.tar and extracted entries are replaced", "demo-out")
    .action(async (flags: { out: string }) => {
      // Loaded when the demo runs, not whenever the CLI starts (see upload.ts).
      const { runUpload } = await import("../upload/run-upload.js");
      const { checkExtraction, checkListing, compareWithTape, gnuTarVersion } = await import("../demo/check-archive.js");
      const out = path.resolve(flags.out);
      const sample = path.join(out, SAMPLE_NAME);
      const tarFile = path.join(out, TAR_NAME);
      clearEarlierRun(out);

      say(`1. A sample directory, ${sample}`);
      const stats = createSampleTree(sample);
      say(`   ${stats.files} files (${formatBytes(stats.bytes)}), ${stats.dirs} folders, ${stats.symlinks} symlinks; names with spaces,`);
      say("   accents, CJK and emoji, one name over 100 bytes; fixed content and times, so the fingerprint is the same everywhere");
      say();
      say(`2. Upload its tape to ${tarFile}, in parts of ${formatBytes(PART_SIZE)} (local-file target)`);
      const target = fileTarget(tarFile, { partSize: PART_SIZE });
      const first = await runUpload({ dir: sample, target, concurrency: 2, resumeCommand: "tartape demo" });
      say();

      say("3. Check the result");
      const tape = openTape(sample);
      let checks: CheckResult[];
      try {
        const entries = [...tape.entries()];
        checks = [await compareWithTape(tarFile, tape)];
        const gnuTar = gnuTarVersion();
        if (gnuTar) checks.push(checkListing(tarFile, entries), checkExtraction(tarFile, entries, path.join(out, EXTRACT_NAME)));
        else say("   (GNU tar is not installed: checked against the tape only)");
      } finally {
        tape.close();
      }
      for (const c of checks) say(`   ${c.ok ? "ok " : "FAILED"} ${c.message}`);
      const failed = checks.filter((c) => !c.ok);
      if (failed.length > 0) throw new IntegrityMismatchError(`The demo's checks failed:\n  ${failed.map((c) => c.message).join("\n  ")}`);
      say();

      say("4. Upload again: the index says it is done, so nothing is sent");
      const second = await runUpload({ dir: sample, target, resumeCommand: "tartape demo" });
      say();
      say(`Done: ${first.partsUploaded} parts uploaded the first time, ${second.partsUploaded} the second (${second.status}).`);
      const shown = path.relative(process.cwd(), sample) || ".";
      say(`Try next: tartape ls ${shown} | head`);
      say(`          tartape status ${shown}`);
      say(`          tartape cat ${shown} --from 512 --to 1024 | head -c 80`);
      say("(in a checkout of tartape, `eval \"$(node .ci/bootstrap.mjs env)\"` first gives your shell the tartape command)");
    });
}
