/**
 * The one routine that turns index rows back into tape bytes, for any byte
 * range. Files that end before the range are never opened: the first entry is
 * found with one B-tree lookup.
 */
import type { Hash } from "node:crypto";
import { createHash } from "../hash.js";
import { IndexIncompatibleError } from "../errors.js";
import type { TapeIndex } from "../index/tape-index.js";
import { writeCommonHeader } from "../tar/common-header.js";
import { BLOCK_SIZE, FOOTER_SIZE, encodeHeader, type HeaderFields } from "../tar/header.js";
import type { TapeEntry } from "../types.js";
import { SMALL_FILE_LIMIT, checkFile, readLargeContent, readLargeContentSync, readSmallContent } from "./file-content.js";
import type { ChunkRecycler } from "./chunk-recycler.js";
import { mtimeSeconds } from "./mtime.js";

/** The gathering buffer before the first one is made. */
const NO_BUFFER = Buffer.alloc(0);

export const DEFAULT_CHUNK_SIZE = 1024 * 1024;

export interface FileStartMark {
  readonly mark: "start";
  readonly entry: TapeEntry;
  readonly startOffset: number;
  readonly resumed: boolean;
}
export interface FileEndMark {
  readonly mark: "end";
  readonly entry: TapeEntry;
  readonly endOffset: number;
  readonly md5: string | null;
}
export type TapePiece = Buffer | FileStartMark | FileEndMark;

export interface ReadRangeOptions {
  readonly start: number;
  /** Exclusive. */
  readonly end: number;
  /** Emit file start/end marks (and flush bytes before each), for `play()`. */
  readonly marks?: boolean;
  /** Hash files read whole, for `fileEnd.md5`. */
  readonly hashFiles?: boolean;
  /**
   * Bytes are handed out in chunks of at most this size: large files are read in
   * chunks of it; headers, small files and padding are gathered into chunks of at
   * most 256 KiB (one small file's header, content and padding are never split,
   * so they may make one larger chunk), the first ones smaller so the first byte
   * leaves quickly.
   */
  readonly chunkSize?: number;
  /**
   * Hand out views of a few buffers that are filled again and again, instead of
   * a new buffer per chunk: each chunk is then only valid until the next one is
   * asked for (copy it to keep it). For a consumer that is done with a chunk
   * when it asks for the next, such as a loop that awaits each write; it saves
   * the allocation, page faults and garbage collection of fresh memory (most of
   * the cost of streaming large files).
   */
  readonly reuseBuffers?: boolean;
  /**
   * Large files' chunks are read into buffers lent by this recycler, which the
   * consumer gives back once it has written them (instead of `reuseBuffers`,
   * for a consumer that keeps chunks after asking for the next).
   */
  readonly recycler?: ChunkRecycler;
}

/**
 * A large file's content, for the caller of `tapePieces` to read: check the
 * file, hand out `lead` (the bytes before the content, its header included,
 * held back until the check passed), then the content, feeding `hash`.
 */
interface LargeContent {
  readonly mark: "large";
  readonly entry: TapeEntry;
  readonly from: number;
  readonly to: number;
  readonly lead: Buffer | null;
  readonly hash: Hash | null;
}

function headerFields(entry: TapeEntry): HeaderFields {
  return { arcPath: entry.arcPath, kind: entry.kind, size: entry.size, mtimeSeconds: mtimeSeconds(entry.mtimeNs), mode: entry.mode, linkTarget: entry.linkTarget };
}

export function entryHeader(entry: TapeEntry): Buffer {
  const header = encodeHeader(headerFields(entry));
  if (header.length !== entry.dataOffset - entry.startOffset) {
    throw new IndexIncompatibleError("the index", `header of ${entry.arcPath} does not match its recorded length`);
  }
  return header;
}

/**
 * Writes tape bytes [from, to) of the entry's header at `out.pos` (room
 * reserved). A whole one-block header is written in place; anything else is
 * encoded on its own and the slice copied.
 */
function putHeader(out: Gather, entry: TapeEntry, from: number, to: number): void {
  const whole = from === entry.startOffset && to === entry.dataOffset && to - from === BLOCK_SIZE;
  if (whole && writeCommonHeader(out.buf, out.pos, headerFields(entry))) {
    out.pos += BLOCK_SIZE;
    return;
  }
  out.put(entryHeader(entry).subarray(from - entry.startOffset, to - entry.startOffset));
}

/** The first gathered chunk is this small, so the first byte leaves quickly; each next one doubles, up to the size below. */
const FIRST_CHUNK_SIZE = 16 * 1024;
/**
 * Gathered chunks are at most this big, whatever `chunkSize`: a chunk this size
 * is still in the CPU cache when it is written out, and writing it into a pipe
 * took about half the system time of 1 MiB chunks (bench/tape.mjs).
 */
const MAX_GATHER_SIZE = 256 * 1024;
/** Below this much room left, a gathering buffer is dropped rather than filled further. */
const MIN_ROOM = 4 * 1024;

/**
 * Where small pieces (headers, small files' content, padding) are gathered:
 * written straight into one buffer, then handed out as views of it, so a small
 * file costs no buffer of its own and no copy. A view handed out is never
 * written again: later bytes go after it.
 */
class Gather {
  buf: Buffer = NO_BUFFER;
  /** First byte not handed out yet. */
  private from = 0;
  /** First free byte. */
  pos = 0;
  private nextSize: number;
  private readonly maxSize: number;

  constructor(
    chunkSize: number,
    private readonly reuse: boolean,
  ) {
    this.nextSize = Math.min(FIRST_CHUNK_SIZE, chunkSize);
    this.maxSize = Math.min(MAX_GATHER_SIZE, chunkSize);
  }

  get pending(): number {
    return this.pos - this.from;
  }

  /** Room for `n` bytes at `this.pos`; false when the pending bytes must be flushed first. */
  reserve(n: number): boolean {
    if (this.reuse && this.pending === 0 && this.buf.length >= n && this.buf.length >= this.nextSize) {
      // Everything handed out is done with (reserve runs after the consumer asked for more): start over.
      this.from = this.pos = 0;
      return true;
    }
    if (this.buf.length - this.pos >= n) return true;
    if (this.pending > 0) return false;
    this.buf = Buffer.allocUnsafe(Math.max(this.nextSize, n));
    this.nextSize = Math.min(this.nextSize * 2, this.maxSize);
    this.from = this.pos = 0;
    return true;
  }

  /** Copies `piece` in (after `reserve`). */
  put(piece: Buffer): void {
    this.pos += piece.copy(this.buf, this.pos);
  }

  zeros(n: number): void {
    // Most files need no padding, and an empty fill still costs a call into Node (~0.7 µs).
    if (n === 0) return;
    this.buf.fill(0, this.pos, this.pos + n);
    this.pos += n;
  }

  flush(): Buffer | null {
    if (this.pending === 0) return null;
    const out = this.buf.subarray(this.from, this.pos);
    this.from = this.pos;
    if (!this.reuse && this.buf.length - this.pos < MIN_ROOM) {
      this.buf = NO_BUFFER;
      this.from = this.pos = 0;
    }
    return out;
  }

  get full(): boolean {
    return this.pending >= this.maxSize || (this.pending > 0 && this.buf.length - this.pos < MIN_ROOM);
  }
}

/**
 * Tape bytes [start, end), for a consumer that awaits: large files are read
 * through the thread pool.
 */
export async function* readTapeRange(index: TapeIndex, totalSize: number, options: ReadRangeOptions): AsyncGenerator<TapePiece> {
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
  /** With `reuseBuffers`: the one buffer large files are read into, made when first needed. */
  let largeBuffer: Buffer | undefined;
  for (const piece of tapePieces(index, totalSize, options)) {
    if (!isLargeContent(piece)) {
      yield piece;
      continue;
    }
    const chunks = readLargeContent(piece.entry, piece.from, piece.to, chunkSize, largeContentBuffers(options, chunkSize, () => (largeBuffer ??= Buffer.allocUnsafe(chunkSize))));
    try {
      let next = await chunks.next(); // opens and checks the file
      if (piece.lead) yield piece.lead;
      while (!next.done) {
        piece.hash?.update(next.value);
        yield next.value;
        next = await chunks.next();
      }
    } finally {
      await chunks.return(undefined);
    }
  }
}

/** Where `readTapeRange` reads large files' chunks: one reused buffer, recycled ones, or fresh ones. */
function largeContentBuffers(options: ReadRangeOptions, chunkSize: number, reused: () => Buffer): ((length: number) => Buffer) | undefined {
  if (options.reuseBuffers) return (length) => reused().subarray(0, length);
  const recycler = options.recycler;
  if (recycler && recycler.bufferSize >= chunkSize) return (length) => recycler.take(length);
  return undefined;
}

/**
 * Tape bytes [start, end) with blocking reads on this thread, large files
 * included, for a consumer that blocks anyway (writing into a pipe with
 * `fs.writeSync`): no thread hand-off and no promise per chunk (6% of the
 * time of big files). It holds the event loop for each read.
 */
export function* readTapeRangeSync(index: TapeIndex, totalSize: number, options: ReadRangeOptions): Generator<TapePiece> {
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
  let largeBuffer: Buffer | undefined;
  for (const piece of tapePieces(index, totalSize, options)) {
    if (!isLargeContent(piece)) {
      yield piece;
      continue;
    }
    if (options.reuseBuffers) largeBuffer ??= Buffer.allocUnsafe(chunkSize);
    const chunks = readLargeContentSync(piece.entry, piece.from, piece.to, chunkSize, largeBuffer);
    try {
      let next = chunks.next(); // opens and checks the file
      if (piece.lead) yield piece.lead;
      while (!next.done) {
        piece.hash?.update(next.value);
        yield next.value;
        next = chunks.next();
      }
    } finally {
      chunks.return(undefined);
    }
  }
}

function isLargeContent(piece: TapePiece | LargeContent): piece is LargeContent {
  return !Buffer.isBuffer(piece) && piece.mark === "large";
}

/**
 * Everything but the reading of large files, which it leaves to its caller
 * (`LargeContent`): that is the only part that differs between a consumer
 * that awaits and one that blocks.
 */
function* tapePieces(index: TapeIndex, totalSize: number, options: ReadRangeOptions): Generator<TapePiece | LargeContent> {
  const { start, end } = options;
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
  const out = new Gather(chunkSize, options.reuseBuffers ?? false);

  for (const entry of index.entriesInRange(start, end)) {
    const from = Math.max(entry.startOffset, start);
    const to = Math.min(entry.endOffset, end);
    if (options.marks) {
      const piece = out.flush();
      if (piece) yield piece;
      yield { mark: "start", entry, startOffset: entry.startOffset, resumed: from > entry.startOffset };
    }

    const contentEnd = entry.dataOffset + entry.size;
    const cFrom = Math.max(from, entry.dataOffset) - entry.dataOffset;
    const cTo = Math.min(to, contentEnd) - entry.dataOffset;
    const wholeContent = cFrom === 0 && cTo === entry.size && entry.kind === "file";
    let hash: Hash | null = options.hashFiles && wholeContent ? createHash("md5") : null;
    const headerEnd = Math.min(to, entry.dataOffset);
    const headerLength = from < entry.dataOffset ? headerEnd - from : 0;
    const padding = to > contentEnd ? to - Math.max(from, contentEnd) : 0;

    // A file is checked against the index before any of its bytes, header included, is taken.
    if (entry.kind === "file" && cTo > cFrom) {
      const length = cTo - cFrom;
      if (length <= SMALL_FILE_LIMIT) {
        // Header, content and padding in one go, straight into the gathering buffer; one spare
        // byte lets the read of the content also tell whether the file grew.
        const need = headerLength + length + padding;
        if (!out.reserve(need + 1)) {
          yield out.flush() as Buffer;
          out.reserve(need + 1);
        }
        const at = out.pos + headerLength;
        readSmallContent(entry, cFrom, cTo, out.buf, at, true);
        if (headerLength > 0) putHeader(out, entry, from, headerEnd);
        out.pos += length;
        hash?.update(out.buf.subarray(at, at + length));
        out.zeros(padding);
      } else {
        // The header is gathered but handed out by the caller only once the file passed its check.
        if (headerLength > 0) {
          if (!out.reserve(headerLength)) {
            yield out.flush() as Buffer;
            out.reserve(headerLength);
          }
          putHeader(out, entry, from, headerEnd);
        }
        yield { mark: "large", entry, from: cFrom, to: cTo, lead: out.flush(), hash };
        if (padding > 0) {
          out.reserve(padding);
          out.zeros(padding);
        }
      }
    } else {
      if (headerLength > 0 && entry.kind === "file") checkFile(entry); // an empty file, or a range that ends in its header
      if (headerLength + padding > 0) {
        if (!out.reserve(headerLength + padding)) {
          yield out.flush() as Buffer;
          out.reserve(headerLength + padding);
        }
        if (headerLength > 0) putHeader(out, entry, from, headerEnd);
        out.zeros(padding);
      }
    }

    if (out.full) yield out.flush() as Buffer;

    if (options.marks && to === entry.endOffset) {
      const piece = out.flush();
      if (piece) yield piece;
      const md5 = hash ? hash.digest("hex") : null;
      hash = null;
      yield { mark: "end", entry, endOffset: entry.endOffset, md5 };
    }
  }

  const footerStart = totalSize - FOOTER_SIZE;
  if (end > footerStart) {
    const n = end - Math.max(start, footerStart);
    if (!out.reserve(n)) {
      yield out.flush() as Buffer;
      out.reserve(n);
    }
    out.zeros(n);
  }
  const piece = out.flush();
  if (piece) yield piece;
}
