import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import { tempDir } from "../test-util/fs.js";
import { FileWriter, type WriteJob } from "./file-writer.js";

const writers: FileWriter[] = [];
afterEach(async () => {
  for (const w of writers.splice(0)) await w.close();
});

function writer(): FileWriter {
  const w = new FileWriter();
  writers.push(w);
  return w;
}

/** `text` in a SharedArrayBuffer, as the restore's read buffers are. */
function shared(text: string): Buffer {
  const data = Buffer.from(new SharedArrayBuffer(Buffer.byteLength(text)));
  data.write(text);
  return data;
}

const crcOf = (text: string): number => zlib.crc32(text) >>> 0;

describe("FileWriter", () => {
  it("writes a file from two batches, CRC-32 carried over, then checks it, sets mode and mtime (before 1970 too) and renames it", async () => {
    const dir = tempDir();
    const partial = path.join(dir, "partial");
    const target = path.join(dir, "target.txt");
    const w = writer();
    const first = shared("xxhello, ");
    const second = shared("world!yy");
    const finish = { crc: crcOf("hello, world!"), mode: 0o640, mtime: -86_400, target };
    const jobs1: WriteJob[] = [{ file: partial, open: "create", at: 0, from: 2, to: 9, crc: 0 }];
    const jobs2: WriteJob[] = [{ file: partial, open: "continue", at: 7, from: 0, to: 6, crc: 0, finish }];
    // Both handed over before either is answered: the second goes on from the CRC the first left.
    const [a, b] = await Promise.all([w.write(first, jobs1), w.write(second, jobs2)]);
    expect(a).toEqual([{ kind: "written", crc: crcOf("hello, ") }]);
    expect(b).toEqual([{ kind: "placed", crc: crcOf("hello, world!") }]);
    expect(fs.readFileSync(target, "utf8")).toBe("hello, world!");
    const stat = fs.statSync(target);
    expect(stat.mode & 0o7777).toBe(0o640);
    expect(stat.mtimeMs).toBe(-86_400_000);
    expect(fs.existsSync(partial)).toBe(false);
  });

  it("a damaged file is removed, never renamed; the batches after it are not done", async () => {
    const dir = tempDir();
    const w = writer();
    const data = shared("abc");
    const target = path.join(dir, "t");
    const bad: WriteJob = { file: path.join(dir, "p1"), open: "create", at: 0, from: 0, to: 3, crc: 0, finish: { crc: crcOf("abd"), mode: 0o644, mtime: 1, target } };
    const next: WriteJob = { file: path.join(dir, "p2"), open: "create", at: 0, from: 0, to: 3, crc: 0, finish: { crc: crcOf("abc"), mode: 0o644, mtime: 1, target: path.join(dir, "t2") } };
    expect(await w.write(data, [bad, next])).toEqual([{ kind: "corrupt", crc: crcOf("abc") }]);
    expect(await w.write(data, [next])).toEqual([]);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it("a folder in the file's place: the file is dropped and said so", async () => {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, "t"));
    fs.writeFileSync(path.join(dir, "t", "inside"), "");
    const w = writer();
    const job: WriteJob = { file: path.join(dir, "p"), open: "create", at: 0, from: 0, to: 0, crc: 0, finish: { crc: crcOf(""), mode: 0o644, mtime: 1, target: path.join(dir, "t") } };
    expect(await w.write(null, [job])).toEqual([{ kind: "folder-in-place" }]);
    expect(fs.readdirSync(dir)).toEqual(["t"]);
  });

  it("a failed system call is answered with its code and syscall, and stops the batch", async () => {
    const dir = tempDir();
    const w = writer();
    const missing: WriteJob = { file: path.join(dir, "no", "such", "p"), open: "create", at: 0, from: 0, to: 0, crc: 0 };
    const after: WriteJob = { file: path.join(dir, "p"), open: "create", at: 0, from: 0, to: 0, crc: 0 };
    const outcomes = await w.write(null, [missing, after]);
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]).toMatchObject({ kind: "failed", error: { code: "ENOENT", syscall: "open" } });
    expect(fs.existsSync(path.join(dir, "p"))).toBe(false);
  });

  it("close() keeps the process alive until the thread has stopped, even when an answer arrives meanwhile", () => {
    // In a process of its own: a process whose event loop runs dry ends with a promise still
    // pending (a failed restore ended with exit code 0 that way, before reporting its error).
    const script = `
      import { FileWriter } from ${JSON.stringify(new URL("./file-writer.ts", import.meta.url).href)};
      const w = new FileWriter();
      w.write(null, []).catch(() => undefined);
      // Busy while the thread answers: the answer is delivered after close() began.
      for (const until = Date.now() + 200; Date.now() < until; );
      await w.close();
      process.stdout.write("closed");`;
    // A file, not -e: a script given with -e did not show the failure.
    const file = path.join(tempDir(), "close.mjs");
    fs.writeFileSync(file, script);
    const child = spawnSync(process.execPath, ["--experimental-strip-types", "--no-warnings", file], { encoding: "utf8" });
    expect(child.stderr).toBe("");
    expect(child.stdout).toBe("closed");
    expect(child.status).toBe(0);
  });

  it("refuses bytes that are not in a SharedArrayBuffer", () => {
    expect(() => writer().write(Buffer.from("x"), [])).toThrow(TypeError);
  });
});
