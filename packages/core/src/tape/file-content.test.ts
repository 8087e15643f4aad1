/**
 * Integrity while playing: a file that differs from the index stops the
 * stream with a FileChangedError naming it, before any of its bytes (header
 * included) are handed out, on the small (read at once) and large (read in
 * chunks) paths alike, whether the tape is pulled (streams, play) or written
 * with blocking reads and writes (writeToFd, as `tartape cat` does).
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { FileChangedError, type ChangeKind } from "../errors.js";
import { record } from "../record.js";
import { bytes, collect, collectUntilError, tempDir, writeFile } from "../test-util/fs.js";
import type { TapeEntry } from "../types.js";
import { SMALL_FILE_LIMIT } from "./file-content.js";
import { openTape, type Tape } from "./tape.js";

const SMALL = 3000;
const LARGE = SMALL_FILE_LIMIT + 200_000;
const T0 = 1600000000;

/** Processes a test started; ended after it, by their own id. */
const children: ChildProcess[] = [];

afterEach(() => {
  vi.restoreAllMocks();
  // Each was started in its own process group: end the group (sh and its sleep) by its id.
  for (const child of children.splice(0)) if (child.pid && child.exitCode === null) process.kill(-child.pid);
});

interface Fixture {
  dir: string;
  tape: Tape;
  full: Buffer;
  entry: (name: string) => TapeEntry;
}

/** ds/{a, empty, small, large, z}: recorded, and the full tape read once while nothing changed. */
async function fixture(): Promise<Fixture> {
  const dir = path.join(tempDir(), "ds");
  writeFile(path.join(dir, "a"), bytes(700, 1), { mtime: T0 });
  writeFile(path.join(dir, "empty"), "", { mtime: T0 });
  writeFile(path.join(dir, "small"), bytes(SMALL, 2), { mtime: T0 });
  writeFile(path.join(dir, "large"), bytes(LARGE, 3), { mtime: T0 });
  writeFile(path.join(dir, "z"), bytes(100, 4), { mtime: T0 });
  const indexPath = path.join(tempDir(), "i.db");
  await record(dir, { indexPath });
  const tape = openTape(dir, { indexPath });
  const full = await collect(tape.createReadStream());
  const entries = [...tape.entries()];
  return { dir, tape, full, entry: (name) => entries.find((e) => e.arcPath === `ds/${name}`) as TapeEntry };
}

const mutations: Array<[string, ChangeKind, (file: string) => void]> = [
  [
    "rewritten (same size)",
    "mtime",
    (f) => {
      const size = fs.statSync(f).size;
      fs.writeFileSync(f, Buffer.alloc(size, 7));
      fs.utimesSync(f, T0 + 1, T0 + 1);
    },
  ],
  ["grown", "size", (f) => fs.appendFileSync(f, "more")],
  ["shrunk", "size", (f) => fs.truncateSync(f, 10)],
  ["deleted", "missing", (f) => fs.rmSync(f)],
  [
    "replaced by a directory",
    "kind",
    (f) => {
      fs.rmSync(f);
      fs.mkdirSync(f);
    },
  ],
  [
    "replaced by a symlink to an identical copy",
    "kind",
    (f) => {
      fs.renameSync(f, `${f}.copy`);
      fs.symlinkSync(`${path.basename(f)}.copy`, f);
    },
  ],
  [
    "replaced by a FIFO (must not block)",
    "kind",
    (f) => {
      fs.rmSync(f);
      execFileSync("mkfifo", [f]);
      // A blocking open of a FIFO waits for a writer, and a synchronous one blocks the
      // whole process, so no timer could fail the test. This helper opens the FIFO
      // after 10 s (read-write, so every later open goes through): a reader that blocks
      // is then released and the test fails on the time it took instead of hanging.
      children.push(spawn("sh", ["-c", 'sleep 10; exec 3<>"$1"; sleep 60', "_", f], { stdio: "ignore", detached: true }));
    },
  ],
];

/** What `tape.writeToFd` wrote into a file before it stopped, and why it stopped. */
async function writeToFdUntilError(tape: Tape, range: { start?: number } = {}): Promise<{ bytes: Buffer; error: unknown }> {
  const out = path.join(tempDir(), "out.tar");
  const fd = fs.openSync(out, "w");
  let error: unknown;
  try {
    await tape.writeToFd(fd, range);
  } catch (err) {
    error = err;
  } finally {
    fs.closeSync(fd);
  }
  return { bytes: fs.readFileSync(out), error };
}

/** Fails the test instead of hanging when a read blocks. */
function withTimeout<T>(promise: Promise<T>, ms = 5000): Promise<T> {
  return Promise.race([promise, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`still running after ${ms} ms`)), ms))]);
}

describe.each([
  ["small (one read)", "small"],
  ["large (chunked read)", "large"],
])("a %s file changed after recording", (_label, name) => {
  for (const [what, change, mutate] of mutations) {
    it(`${what}: FileChangedError (${change}) naming it; nothing of it or after it is emitted`, async () => {
      const { tape, full, entry } = await fixture();
      const target = entry(name);
      mutate(target.realPath);
      const began = Date.now();

      for (const source of [() => tape.createReadStream(), () => tape.createReadStream({ chunkSize: 4096, highWaterMark: 1 }), () => tape.bytes(0, tape.totalSize, 65536)]) {
        const { bytes: got, error } = await withTimeout(collectUntilError(source()));
        expect(error).toBeInstanceOf(FileChangedError);
        expect((error as FileChangedError).path).toBe(target.realPath);
        expect((error as FileChangedError).change).toBe(change);
        expect((error as Error).message).toContain(target.realPath);
        // Everything emitted is a prefix of the good tape that stops before the file's header.
        expect(got.length).toBeLessThanOrEqual(target.startOffset);
        expect(got.equals(full.subarray(0, got.length))).toBe(true);
      }

      // The blocking path of `tartape cat` stops the same way.
      const written = await writeToFdUntilError(tape);
      expect(written.error).toMatchObject({ code: "FILE_CHANGED", change, path: target.realPath });
      expect(written.bytes.length).toBeLessThanOrEqual(target.startOffset);
      expect(written.bytes.equals(full.subarray(0, written.bytes.length))).toBe(true);

      // play(): fileStart for it may come, but no data of it and nothing after it.
      const seen: string[] = [];
      let played = 0;
      let playError: unknown;
      try {
        for await (const ev of tape.play()) {
          if (ev.type === "data") played += ev.data.length;
          else if (ev.type !== "tapeCompleted") seen.push(`${ev.type} ${ev.entry.arcPath}`);
        }
      } catch (err) {
        playError = err;
      }
      expect(playError).toBeInstanceOf(FileChangedError);
      expect(played).toBeLessThanOrEqual(target.startOffset);
      expect(seen.at(-1)).toBe(`fileStart ${target.arcPath}`);

      expect(Date.now() - began, "no read blocked").toBeLessThan(8000);

      // Resuming after the changed file does not see it.
      const after = entry("z");
      expect((await collect(tape.createReadStream({ start: after.startOffset }))).equals(full.subarray(after.startOffset))).toBe(true);
      tape.close();
    });
  }

  it("resuming inside its content checks it too", async () => {
    const { tape, entry } = await fixture();
    const target = entry(name);
    fs.appendFileSync(target.realPath, "x");
    const { bytes: got, error } = await collectUntilError(tape.createReadStream({ start: target.dataOffset + 5 }));
    expect(error).toMatchObject({ code: "FILE_CHANGED", change: "size", path: target.realPath });
    expect(got.length).toBe(0);
    const written = await writeToFdUntilError(tape, { start: target.dataOffset + 5 });
    expect(written.error).toMatchObject({ code: "FILE_CHANGED", change: "size", path: target.realPath });
    expect(written.bytes.length).toBe(0);
    tape.close();
  });

  it("a range that ends inside its header checks it too", async () => {
    const { tape, entry } = await fixture();
    const target = entry(name);
    fs.rmSync(target.realPath);
    await expect(collect(tape.createReadStream({ start: target.startOffset, end: target.startOffset + 100 }))).rejects.toMatchObject({ change: "missing" });
    tape.close();
  });
});

describe("an empty file changed after recording", () => {
  it("deleted: FileChangedError before its header", async () => {
    const { tape, entry } = await fixture();
    const target = entry("empty");
    fs.rmSync(target.realPath);
    const { bytes: got, error } = await collectUntilError(tape.createReadStream());
    expect(error).toMatchObject({ change: "missing", path: target.realPath });
    expect(got.length).toBeLessThanOrEqual(target.startOffset);
    tape.close();
  });

  it("grown: FileChangedError (size)", async () => {
    const { tape, entry } = await fixture();
    fs.writeFileSync(entry("empty").realPath, "now something");
    await expect(collect(tape.createReadStream())).rejects.toMatchObject({ change: "size" });
    tape.close();
  });
});

describe("a large file changed while it is being read", () => {
  const during: Array<[string, ChangeKind, (f: string) => void]> = [
    ["rewritten in place, same size", "mtime", (f) => fs.writeFileSync(f, Buffer.alloc(LARGE, 9))],
    ["appended to", "size", (f) => fs.appendFileSync(f, "tail")],
    ["truncated", "short-read", (f) => fs.truncateSync(f, 100_000)],
  ];

  for (const [what, change, mutate] of during) {
    it(`${what}: the stream stops before the content is complete`, async () => {
      const { tape, full, entry } = await fixture();
      const target = entry("large");
      const contentEnd = target.dataOffset + target.size;
      // bytes() is pulled: nothing is read ahead of what this loop asks for.
      const chunks: Buffer[] = [];
      let received = 0;
      let mutated = false;
      let error: unknown;
      try {
        for await (const chunk of tape.bytes(0, tape.totalSize, 65536)) {
          chunks.push(chunk);
          received += chunk.length;
          if (!mutated && received > target.dataOffset) {
            mutate(target.realPath); // after the first content chunk was consumed
            mutated = true;
          }
        }
      } catch (err) {
        error = err;
      }
      expect(mutated).toBe(true);
      expect(error).toBeInstanceOf(FileChangedError);
      expect((error as FileChangedError).change).toBe(change);
      expect((error as FileChangedError).path).toBe(target.realPath);
      const got = Buffer.concat(chunks);
      expect(got.length).toBeLessThan(contentEnd);
      expect(got.subarray(0, target.dataOffset + 65536).equals(full.subarray(0, target.dataOffset + 65536))).toBe(true);
      tape.close();
    });
  }

  it("through createReadStream with a small buffer as well", async () => {
    const { tape, entry } = await fixture();
    const target = entry("large");
    const stream = tape.createReadStream({ chunkSize: 16384, highWaterMark: 1 });
    let received = 0;
    let mutated = false;
    let error: unknown;
    try {
      for await (const chunk of stream) {
        received += (chunk as Buffer).length;
        if (!mutated && received > target.dataOffset) {
          fs.appendFileSync(target.realPath, "tail");
          mutated = true;
        }
      }
    } catch (err) {
      error = err;
    }
    expect(error).toMatchObject({ code: "FILE_CHANGED", path: target.realPath });
    expect(received).toBeLessThan(target.dataOffset + target.size);
    tape.close();
  });
});

describe("a file that grows between the check and the read (long-read)", () => {
  it("small path: one byte past the recorded end is looked for", async () => {
    const { tape, entry } = await fixture();
    const target = entry("small");
    fs.appendFileSync(target.realPath, "grown");
    fs.utimesSync(target.realPath, T0, T0);
    // Make the check see the recorded size, as if the write landed just after it.
    const fstatSync = fs.fstatSync;
    vi.spyOn(fs, "fstatSync").mockImplementation(((fd: number, options?: fs.StatOptions) => {
      const stat = (fstatSync as (fd: number, o?: fs.StatOptions) => fs.BigIntStats)(fd, options);
      if (stat.size === BigInt(SMALL + 5)) stat.size = BigInt(SMALL);
      return stat;
    }) as typeof fs.fstatSync);
    const { bytes: got, error } = await collectUntilError(tape.createReadStream());
    expect(error).toMatchObject({ change: "long-read", path: target.realPath });
    expect(got.length).toBeLessThanOrEqual(target.startOffset);
    tape.close();
  });

  it("large path: the same after the last chunk", async () => {
    const { tape, entry } = await fixture();
    const target = entry("large");
    fs.appendFileSync(target.realPath, "grown");
    fs.utimesSync(target.realPath, T0, T0);
    const handle = await fs.promises.open(target.realPath);
    const proto = Object.getPrototypeOf(handle) as { stat: (o?: fs.StatOptions) => Promise<fs.BigIntStats> };
    await handle.close();
    const stat = proto.stat;
    vi.spyOn(proto, "stat").mockImplementation(async function (this: unknown, options?: fs.StatOptions) {
      const s = await stat.call(this, options);
      if (s.size === BigInt(LARGE + 5)) s.size = BigInt(LARGE);
      return s;
    });
    const { bytes: got, error } = await collectUntilError(tape.bytes(0, tape.totalSize, 65536));
    expect(error).toMatchObject({ change: "long-read", path: target.realPath });
    expect(got.length).toBeLessThan(target.dataOffset + target.size);
    tape.close();
  });
});
