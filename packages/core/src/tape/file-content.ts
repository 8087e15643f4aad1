/**
 * Reading one file's content for the tape, with the integrity rules of
 * TAPE_FORMAT.md: before any byte is emitted the file's current size and
 * mtime must equal the index's, and the bytes read must add up.
 */
import fs from "node:fs";
import { FileChangedError } from "../errors.js";
import type { TapeEntry } from "../types.js";

/** Files up to this size are read with one synchronous call: far cheaper than a threadpool round trip. */
export const SMALL_FILE_LIMIT = 256 * 1024;

function openForTape(entry: TapeEntry): number {
  let fd: number;
  try {
    fd = fs.openSync(entry.realPath, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
  } catch (err) {
    throw openError(entry, err);
  }
  try {
    checkStat(entry, fs.fstatSync(fd, { bigint: true }));
  } catch (err) {
    fs.closeSync(fd);
    throw err;
  }
  return fd;
}

function openError(entry: TapeEntry, err: unknown): unknown {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return new FileChangedError(entry.realPath, "missing", "the file no longer exists");
  if (code === "ELOOP") return new FileChangedError(entry.realPath, "kind", "it is now a symbolic link");
  return err;
}

export function checkStat(entry: TapeEntry, stat: fs.BigIntStats): void {
  if (!stat.isFile()) throw new FileChangedError(entry.realPath, "kind", "it is no longer a regular file");
  if (Number(stat.size) !== entry.size) {
    throw new FileChangedError(entry.realPath, "size", `recorded ${entry.size} bytes, now ${stat.size}`);
  }
  if (stat.mtimeNs !== entry.mtimeNs) {
    throw new FileChangedError(entry.realPath, "mtime", `recorded ${formatNs(entry.mtimeNs)}, now ${formatNs(stat.mtimeNs)}`);
  }
}

function formatNs(ns: bigint): string {
  const ms = Number(ns / 1_000_000n);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : `${ns}ns`;
}

function shortRead(entry: TapeEntry, at: number): FileChangedError {
  return new FileChangedError(entry.realPath, "short-read", `expected ${entry.size} bytes, the file ended at ${at}`);
}

/**
 * Copies content bytes [from, to) of a small file into `target` at `targetOffset`,
 * synchronously. Used when the whole read is small.
 */
export function readSmallContent(entry: TapeEntry, from: number, to: number, target: Buffer, targetOffset: number): void {
  const fd = openForTape(entry);
  try {
    let done = 0;
    const want = to - from;
    while (done < want) {
      const n = fs.readSync(fd, target, targetOffset + done, want - done, from + done);
      if (n === 0) throw shortRead(entry, from + done);
      done += n;
    }
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Streams content bytes [from, to) of a file in chunks of `chunkSize`, with
 * asynchronous reads. Re-checks the file after the last chunk, so a write that
 * lands while it is being read is caught too.
 */
export async function* readLargeContent(entry: TapeEntry, from: number, to: number, chunkSize: number): AsyncGenerator<Buffer> {
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(entry.realPath, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
  } catch (err) {
    throw openError(entry, err);
  }
  try {
    checkStat(entry, await handle.stat({ bigint: true }));
    let position = from;
    while (position < to) {
      const buf = Buffer.allocUnsafe(Math.min(chunkSize, to - position));
      let filled = 0;
      while (filled < buf.length) {
        const { bytesRead } = await handle.read(buf, filled, buf.length - filled, position + filled);
        if (bytesRead === 0) throw shortRead(entry, position + filled);
        filled += bytesRead;
      }
      position += filled;
      yield buf;
    }
    checkStat(entry, await handle.stat({ bigint: true }));
  } finally {
    await handle.close();
  }
}
