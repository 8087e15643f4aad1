/**
 * Full disks, read-only sources and a damaged index, through the CLI as a
 * user meets them: each ends in one line, `tartape: <what to do>`, with a
 * typed error behind it (never "unexpected error"), and the run after the fix
 * completes the exact object, resuming what was done.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { setTimeout as sleep } from "node:timers/promises";
import { CliProcess, runCli, type CliExit } from "../src/scenarios/support/cli-process.js";
import { sha256, tapeFacts } from "../src/scenarios/support/digest.js";
import { EventLogTail } from "../src/scenarios/support/event-log.js";
import { Scratch } from "../src/scenarios/support/scratch.js";
import { mountSupport, SmallFileSystem } from "../src/scenarios/support/small-filesystem.js";
import { equalFilesTree } from "../src/scenarios/support/trees.js";

const KiB = 1024;
const MiB = 1024 * KiB;
const scratch = new Scratch();
const mounted: SmallFileSystem[] = [];

beforeAll(() => scratch.open("disk-faults"));
afterEach(() => {
  for (const fsys of mounted.splice(0)) fsys.unmount();
});
afterAll(() => scratch.close());

function smallFs(bytes: number): SmallFileSystem {
  const fsys = SmallFileSystem.mount(bytes);
  mounted.push(fsys);
  return fsys;
}

/** The run failed with exit `code` and a last line that is one typed message, never an unexpected error. */
function expectOneLine(exit: CliExit, code: number, pattern: RegExp): string {
  expect(exit.code, exit.stderr).toBe(code);
  expect(exit.stderr).not.toContain("unexpected error");
  const last = exit.stderr.trim().split("\n").at(-1) ?? "";
  expect(last).toMatch(/^tartape: /);
  expect(last).toMatch(pattern);
  return last;
}

async function expectFileIsTape(file: string, dir: string): Promise<void> {
  const facts = await tapeFacts(dir);
  const object = fs.readFileSync(file);
  expect(object.length).toBe(facts.totalSize);
  expect(sha256(object)).toBe(facts.sha256);
}

const reason = mountSupport();

describe.skipIf(reason !== null)(`full and read-only file systems${reason ? ` (skipped: ${reason})` : ""}`, () => {
  it("a full destination: DISK_FULL naming it, then after room is made the rerun resumes and completes", async () => {
    const dir = scratch.dir("dest-full");
    equalFilesTree(dir, 4, MiB);
    const dest = smallFs(2 * MiB);
    const out = path.join(dest.dir, "out.tar");
    const args = (log: string) => ["upload", dir, out, "--part-size", "256KiB", "--concurrency", "2", "--event-log", log];

    const full = await runCli(args(scratch.file("dest-full-1.jsonl")));
    expectOneLine(full, 1, new RegExp(`^tartape: No space left on the device holding ${out} \\(the destination\\)\\. Free some space there and run the same command again`));

    dest.resize(8 * MiB);
    const log = new EventLogTail(scratch.file("dest-full-2.jsonl"));
    const rerun = await runCli(args(log.file));
    expect(rerun.code, rerun.stderr).toBe(0);
    log.poll();
    const partCount = Math.ceil((await tapeFacts(dir)).totalSize / (256 * KiB));
    // Resumed: the parts that fitted the first time are not sent again.
    expect(log.count("part-start")).toBeLessThan(partCount);
    expect(log.count("upload-resumed")).toBe(1);
    await expectFileIsTape(out, dir);
  });

  it("the index's disk filling up mid-upload: DISK_FULL naming the index; after freeing space the rerun resumes", async () => {
    const dir = scratch.dir("index-full");
    equalFilesTree(dir, 4, 512 * KiB);
    const indexFs = smallFs(4 * MiB);
    const indexPath = path.join(indexFs.dir, "tape", "index.db");
    const out = scratch.file("index-full.tar");
    const args = (log: string) => ["upload", dir, out, "--index", indexPath, "--part-size", "64KiB", "--concurrency", "1", "--event-log", log];
    const firstLog = new EventLogTail(scratch.file("index-full-1.jsonl"));
    const first = CliProcess.start(args(firstLog.file));
    while (first.running && firstLog.count("part-done") < 3) {
      await sleep(5);
      firstLog.poll();
    }
    // Paused while the disk fills, so the next part's record is the write that finds it full.
    first.pause();
    indexFs.fill();
    first.resume();
    const full = await first.exited;
    expectOneLine(full, 1, new RegExp(`^tartape: No space left on the device holding ${indexPath} \\(the index\\)\\. Free some space`));

    indexFs.free();
    const log = new EventLogTail(scratch.file("index-full-2.jsonl"));
    const rerun = await runCli(args(log.file));
    expect(rerun.code, rerun.stderr).toBe(0);
    log.poll();
    expect(log.count("upload-resumed")).toBe(1);
    const partCount = Math.ceil(fs.statSync(out).size / (64 * KiB));
    expect(log.count("part-start")).toBeLessThanOrEqual(partCount - 3);
    const verify = await runCli(["verify", dir, "--index", indexPath]);
    expect(verify.code, verify.stderr).toBe(0);
    expect(fs.statSync(out).size).toBe(4 * (512 + 512 * KiB) + 512 + 1024);
  });

  it("the index's disk too small for a recording (rows written by the writer thread): DISK_FULL naming the index, nothing left behind; with room it records", async () => {
    const dir = scratch.dir("record-full");
    // 10,000 entries: about 500 KB of index rows, for a 256 KiB file system.
    for (let d = 0; d < 40; d++) {
      const sub = path.join(dir, `d${d}`);
      fs.mkdirSync(sub, { recursive: true });
      for (let f = 0; f < 250; f++) fs.writeFileSync(path.join(sub, `a-file-with-a-longish-name-${f}`), "");
    }
    const indexFs = smallFs(256 * KiB);
    const indexPath = path.join(indexFs.dir, "tape", "index.db");
    const full = await runCli(["record", dir, "--index", indexPath]);
    expectOneLine(full, 1, new RegExp(`^tartape: No space left on the device holding ${indexPath} \\(the index\\)\\.`));
    expect(fs.readdirSync(indexFs.dir), "the folder the recording created is removed").toEqual([]);
    indexFs.resize(4 * MiB);
    const recorded = await runCli(["record", dir, "--index", indexPath]);
    expect(recorded.code, recorded.stderr).toBe(0);
  });

  it("a restore onto a disk too small: DISK_FULL naming the destination in one line; after room is made the rerun resumes and the tree is the source's", async () => {
    const dir = scratch.dir("restore-full");
    const files = equalFilesTree(dir, 4, MiB);
    const tape = scratch.file("restore-full.tar");
    const uploaded = await runCli(["upload", dir, tape]);
    expect(uploaded.code, uploaded.stderr).toBe(0);
    // Room for two of the four files (and the restore's journal), not for the rest.
    const dest = smallFs(2 * MiB + 512 * KiB);
    const out = path.join(dest.dir, "out");
    const args = ["restore", tape, out, "--range-size", "256KiB", "--concurrency", "2"];

    const full = await runCli(args);
    expectOneLine(full, 1, new RegExp(`^tartape: No space left on the device holding ${out} \\(the restore's destination\\)\\. Free some space there and run the same command again`));

    dest.resize(8 * MiB);
    const rerun = await runCli(args);
    expect(rerun.code, rerun.stderr).toBe(0);
    // Resumed: the files the first run put in place are not written again.
    expect(rerun.stdout).toMatch(/; [1-9]\d* already restored by an earlier run/);
    const restored = path.join(out, path.basename(dir));
    for (const file of files) expect(sha256(fs.readFileSync(path.join(restored, path.basename(file))))).toBe(sha256(fs.readFileSync(file)));
    expect(fs.readdirSync(restored).sort()).toEqual(files.map((f) => path.basename(f)).sort());
    expect(fs.existsSync(path.join(out, ".tartape-restore")), "the journal goes once the restore is complete").toBe(false);
  });

  it("a read-only source: INDEX_UNWRITABLE suggests --index, and with it the upload completes", async () => {
    const sourceFs = smallFs(4 * MiB);
    const dir = path.join(sourceFs.dir, "data");
    equalFilesTree(dir, 3, 100 * KiB);
    sourceFs.readOnly();
    const out = scratch.file("read-only.tar");

    for (const command of [["upload", dir, out], ["record", dir]]) {
      const refused = await runCli(command);
      expectOneLine(refused, 2, /Cannot write the index .*\/data\/\.tartape\/index\.db \(EROFS\).*--index <path>/);
    }
    const indexPath = scratch.file("read-only-index.db");
    const done = await runCli(["upload", dir, out, "--index", indexPath]);
    expect(done.code, done.stderr).toBe(0);
    const cat = await runCli(["cat", dir, "--index", indexPath]);
    expect(cat.code).toBe(0);
    expect(fs.statSync(out).size).toBe(3 * (512 + 100 * KiB) + 512 + 1024);
  });
});

describe("a damaged index, through the CLI", () => {
  it("INDEX_DAMAGED in one line naming the file and the command that recovers; after it the upload completes", async () => {
    const dir = scratch.dir("damaged");
    equalFilesTree(dir, 3, 64 * KiB);
    const out = scratch.file("damaged.tar");
    expect((await runCli(["record", dir])).code).toBe(0);
    const indexPath = path.join(dir, ".tartape", "index.db");
    // The header page of the database overwritten: nothing in it can be read.
    const fd = fs.openSync(indexPath, "r+");
    fs.writeSync(fd, Buffer.alloc(4096, 0x5a), 0, 4096, 0);
    fs.closeSync(fd);

    for (const command of [["upload", dir, out], ["ls", dir], ["status", dir]]) {
      const exit = await runCli(command);
      expectOneLine(exit, 1, new RegExp(`^tartape: The index ${indexPath} is damaged \\(.*\\)\\. .*\`tartape record --force ${dir}\``));
    }
    const recorded = await runCli(["record", dir, "--force"]);
    expect(recorded.code, recorded.stderr).toBe(0);
    const done = await runCli(["upload", dir, out]);
    expect(done.code, done.stderr).toBe(0);
    expect(sha256(fs.readFileSync(out))).toBe((await tapeFacts(dir)).sha256);
  });
});
