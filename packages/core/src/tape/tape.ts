/** An open, recorded tape: its facts, and every way to read it. */
import fs from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { NotADirectoryError, OffsetOutOfRangeError, SourceNotFoundError } from "../errors.js";
import { TapeIndex, type TapeMeta } from "../index/tape-index.js";
import { indexFailure } from "../index/index-errors.js";
import { defaultIndexPath } from "../record.js";
import type { TapeEntry, TapeEvent } from "../types.js";
import { DEFAULT_CHUNK_SIZE, readTapeRange } from "./reader.js";
import { writeRangeToFd } from "./write-fd.js";
import { verifyTape, type VerifyOptions, type VerifyReport } from "./verify.js";
import { cutVolumes, type BytesOptions, type Volume, type VolumeSource } from "./volume.js";

export interface OpenTapeOptions {
  /** Where the index is, when it was recorded outside the directory. */
  readonly indexPath?: string;
}

export interface RangeOptions {
  /** First tape byte (default 0). */
  readonly start?: number;
  /** One past the last tape byte (default: the tape's size). */
  readonly end?: number;
}

export interface ReadStreamOptions extends RangeOptions {
  readonly highWaterMark?: number;
  /** Size of the chunks the stream reads and emits (default 1 MiB). */
  readonly chunkSize?: number;
}

export class Tape implements VolumeSource {
  readonly dir: string;
  readonly indexPath: string;
  readonly index: TapeIndex;
  readonly meta: TapeMeta;

  constructor(dir: string, index: TapeIndex) {
    this.dir = dir;
    this.index = index;
    this.indexPath = index.path;
    this.meta = index.meta();
  }

  get fingerprint(): string {
    return this.meta.fingerprint;
  }
  get totalSize(): number {
    return this.meta.totalSize;
  }
  get entryCount(): number {
    return this.meta.entryCount;
  }
  /** `{basename}_{first 8 hex of the fingerprint}`: the stem of volume names. */
  get tapeName(): string {
    return `${path.basename(this.meta.root || this.dir)}_${this.fingerprint.slice(0, 8)}`;
  }

  private range(options: RangeOptions): { start: number; end: number } {
    const start = options.start ?? 0;
    const end = options.end ?? this.totalSize;
    if (!Number.isSafeInteger(start) || start < 0 || start > this.totalSize) throw new OffsetOutOfRangeError("Start offset", start, this.totalSize);
    if (!Number.isSafeInteger(end) || end < start || end > this.totalSize) {
      throw new OffsetOutOfRangeError(end < start ? `End offset (before start ${start})` : "End offset", end, this.totalSize);
    }
    return { start, end };
  }

  /** The tape as events: fileStart, data, fileEnd (with the MD5 of files read whole), tapeCompleted. */
  async *play(options: RangeOptions = {}): AsyncGenerator<TapeEvent> {
    const { start, end } = this.range(options);
    for await (const piece of readTapeRange(this.index, this.totalSize, { start, end, marks: true, hashFiles: true })) {
      if (Buffer.isBuffer(piece)) yield { type: "data", data: piece };
      else if (piece.mark === "start") yield { type: "fileStart", entry: piece.entry, startOffset: piece.startOffset, resumed: piece.resumed };
      else {
        if (piece.md5 !== null && piece.entry.md5 !== piece.md5) this.index.setMd5(piece.entry, piece.md5);
        yield { type: "fileEnd", entry: piece.entry, endOffset: piece.endOffset, md5: piece.md5 };
      }
    }
    if (end === this.totalSize) yield { type: "tapeCompleted", totalSize: this.totalSize };
  }

  /** Tape bytes [start, end) as chunks, without events. */
  bytes(start: number, end: number, chunkSize = DEFAULT_CHUNK_SIZE, options: BytesOptions = {}): AsyncIterable<Buffer> {
    const range = this.range({ start, end });
    const index = this.index;
    const totalSize = this.totalSize;
    return {
      async *[Symbol.asyncIterator]() {
        for await (const piece of readTapeRange(index, totalSize, { ...range, chunkSize, reuseBuffers: options.reuseBuffers ?? false, ...(options.recycler ? { recycler: options.recycler } : {}) })) yield piece as Buffer;
      },
    };
  }

  /** A Readable of exactly tape bytes [start, end), pulled as the consumer reads (backpressure). */
  createReadStream(options: ReadStreamOptions = {}): Readable {
    const { start, end } = this.range(options);
    return Readable.from(this.bytes(start, end, options.chunkSize), { objectMode: false, highWaterMark: options.highWaterMark ?? 1024 * 1024 });
  }

  /**
   * Writes tape bytes [start, end) to a file descriptor with blocking writes:
   * the fast path for `cat` into a pipe or file. The event loop is held while
   * it writes; use createReadStream() inside a server.
   */
  writeToFd(fd: number, options: RangeOptions = {}): Promise<void> {
    const { start, end } = this.range(options);
    return writeRangeToFd(this.index, this.totalSize, fd, start, end);
  }

  volumes(size: number): Volume[] {
    return cutVolumes(this, this.totalSize, size);
  }

  entryAt(offset: number): TapeEntry | undefined {
    this.range({ start: offset });
    return this.index.entryAt(offset);
  }

  entries(range: RangeOptions = {}): Iterable<TapeEntry> {
    const { start, end } = this.range(range);
    return this.index.entriesInRange(start, end);
  }

  entriesInRange(start: number, end: number): Iterable<TapeEntry> {
    return this.index.entriesInRange(start, end);
  }

  verify(options: VerifyOptions = {}): Promise<VerifyReport> {
    return verifyTape(this.index, this.totalSize, options);
  }

  close(): void {
    this.index.close();
  }

  [Symbol.dispose](): void {
    this.close();
  }
}

/**
 * Opens the recorded tape of `dir`. Files are read from `dir` as it is now: a
 * directory moved (or mounted elsewhere) since it was recorded is still the
 * same tape, as long as its name and contents are the same.
 */
export function openTape(dir: string, options: OpenTapeOptions = {}): Tape {
  const root = path.resolve(dir);
  assertDirectory(root);
  // Compared as the recording stored it: every symbolic link in the path resolved.
  const realRoot = fs.realpathSync(root);
  const indexPath = path.resolve(options.indexPath ?? defaultIndexPath(root));
  let index: TapeIndex | undefined;
  try {
    index = TapeIndex.open(indexPath, { root: realRoot });
    return new Tape(root, index);
  } catch (err) {
    index?.close();
    throw indexFailure({ dir: root, indexPath, defaultIndexPath: defaultIndexPath(root) }, err);
  }
}

export function assertDirectory(dir: string): void {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(dir);
  } catch {
    throw new SourceNotFoundError(dir);
  }
  if (!stat.isDirectory()) throw new NotADirectoryError(dir);
}
