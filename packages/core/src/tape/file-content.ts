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

/**
 * Never follow a link, and never wait: O_NONBLOCK lets a file that was replaced
 * by a FIFO fail the check instead of blocking the open forever. It changes
 * nothing for regular files.
 */
const OPEN_FLAGS = fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK;

/** One byte past the recorded end: reading it tells whether the file grew. */
const probe = Buffer.alloc(1);

function openForTape(entry: TapeEntry): number {
  let fd: number;
  try {
    fd = fs.openSync(entry.realPath, OPEN_FLAGS);
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
  if (code === "ENOENT" || code === "ENOTDIR") return new FileChangedError(entry.realPath, "missing", "the file no longer exists");
  if (code === "ELOOP") return new FileChangedError(entry.realPath, "kind", "it is now a symbolic link");
  if (code === "ENXIO") return new FileChangedError(entry.realPath, "kind", "it is no longer a regular file");
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

/**
 * Checks a file whose header is about to be emitted without any of its
 * content: an empty file, or a range that ends inside the header.
 */
export function checkFile(entry: TapeEntry): void {
  let stat: fs.BigIntStats;
  try {
    stat = fs.lstatSync(entry.realPath, { bigint: true });
  } catch (err) {
    throw openError(entry, err);
  }
  checkStat(entry, stat);
}

function formatNs(ns: bigint): string {
  const ms = Number(ns / 1_000_000n);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : `${ns}ns`;
}

function shortRead(entry: TapeEntry, at: number): FileChangedError {
  return new FileChangedError(entry.realPath, "short-read", `expected ${entry.size} bytes, the file ended at ${at}`);
}

function longRead(entry: TapeEntry): FileChangedError {
  return new FileChangedError(entry.realPath, "long-read", `expected ${entry.size} bytes, the file has more`);
}

/**
 * Copies content bytes [from, to) of a small file into `target` at `targetOffset`,
 * synchronously. Used when the whole read is small. When the read reaches the
 * recorded end, one more byte is asked for: a file that grew is caught. With
 * `spare`, the byte after the content in `target` may be overwritten, and that
 * extra byte is asked for in the same read (a regular file's read that comes
 * back short has hit the end of the file), saving a system call.
 */
export function readSmallContent(entry: TapeEntry, from: number, to: number, target: Buffer, targetOffset: number, spare = false): void {
  const fd = openForTape(entry);
  try {
    let done = 0;
    const want = to - from;
    const probeHere = spare && to === entry.size && targetOffset + want < target.length;
    const limit = probeHere ? want + 1 : want;
    while (done < limit) {
      const n = fs.readSync(fd, target, targetOffset + done, limit - done, from + done);
      if (n === 0) {
        if (done < want) throw shortRead(entry, from + done);
        break;
      }
      done += n;
      if (done >= want && done < limit) break; // came back short after the content: the end of the file
    }
    if (done > want) throw longRead(entry);
    if (!probeHere && to === entry.size && fs.readSync(fd, probe, 0, 1, entry.size) > 0) throw longRead(entry);
  } finally {
    fs.closeSync(fd);
  }
}

/** The checks after the last byte of a range was read and before it is handed out. */
async function checkAfterRead(handle: fs.promises.FileHandle, entry: TapeEntry, to: number): Promise<void> {
  checkStat(entry, await handle.stat({ bigint: true }));
  if (to === entry.size) {
    const { bytesRead } = await handle.read(Buffer.alloc(1), 0, 1, entry.size);
    if (bytesRead > 0) throw longRead(entry);
  }
}

/**
 * Streams content bytes [from, to) of a file in chunks of `chunkSize`, with
 * asynchronous reads. The file is checked when opened, and again (stat, and
 * one byte past the recorded end) before the last chunk is handed out, so a
 * write that lands while it is being read stops the stream before the
 * content is complete. Each chunk is read into `bufferFor(its length)`: a
 * fresh buffer by default; one buffer used again and again (a chunk then
 * only valid until the next one is asked for), or a recycled one.
 */
export async function* readLargeContent(entry: TapeEntry, from: number, to: number, chunkSize: number, bufferFor: (length: number) => Buffer = Buffer.allocUnsafe): AsyncGenerator<Buffer> {
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(entry.realPath, OPEN_FLAGS);
  } catch (err) {
    throw openError(entry, err);
  }
  try {
    checkStat(entry, await handle.stat({ bigint: true }));
    if (from >= to) await checkAfterRead(handle, entry, to);
    let position = from;
    while (position < to) {
      const length = Math.min(chunkSize, to - position);
      const buf = bufferFor(length);
      let filled = 0;
      while (filled < buf.length) {
        const { bytesRead } = await handle.read(buf, filled, buf.length - filled, position + filled);
        if (bytesRead === 0) throw shortRead(entry, position + filled);
        filled += bytesRead;
      }
      position += filled;
      if (position === to) await checkAfterRead(handle, entry, to);
      yield buf;
    }
  } finally {
    await handle.close();
  }
}

/**
 * `readLargeContent` with blocking reads on the calling thread, for a consumer
 * that blocks too (a `cat` into a pipe): no thread pool round trip per chunk,
 * which is most of the cost once the buffers are reused. Same checks.
 */
export function* readLargeContentSync(entry: TapeEntry, from: number, to: number, chunkSize: number, reuse?: Buffer): Generator<Buffer> {
  const fd = openForTape(entry);
  try {
    const checkAfter = () => {
      checkStat(entry, fs.fstatSync(fd, { bigint: true }));
      if (to === entry.size && fs.readSync(fd, probe, 0, 1, entry.size) > 0) throw longRead(entry);
    };
    if (from >= to) checkAfter();
    let position = from;
    while (position < to) {
      const length = Math.min(chunkSize, to - position);
      const buf = reuse ? reuse.subarray(0, length) : Buffer.allocUnsafe(length);
      let filled = 0;
      while (filled < buf.length) {
        const n = fs.readSync(fd, buf, filled, buf.length - filled, position + filled);
        if (n === 0) throw shortRead(entry, position + filled);
        filled += n;
      }
      position += filled;
      if (position === to) checkAfter();
      yield buf;
    }
  } finally {
    fs.closeSync(fd);
  }
}
