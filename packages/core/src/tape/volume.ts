/**
 * Logical volumes: the tape cut into fixed byte ranges. A volume is one part
 * of a multipart upload; `open()` gives a Readable over exactly its bytes that
 * can `seek()` and `tell()` inside the range.
 */
import { createHash } from "../hash.js";
import { Readable } from "node:stream";
import { InvalidArgumentError, OffsetOutOfRangeError } from "../errors.js";
import type { TapeEntry } from "../types.js";
import type { ChunkRecycler } from "./chunk-recycler.js";

/** How a volume touches an entry: all of it, or only its head, a middle slice, or its tail. */
export type VolumeSlice = "whole" | "head" | "body" | "tail";

export interface VolumeManifestItem {
  readonly entry: TapeEntry;
  readonly slice: VolumeSlice;
  /** Tape bytes of the entry inside this volume: [start, end). */
  readonly start: number;
  readonly end: number;
}

export interface BytesOptions {
  /**
   * Hand out views of a few buffers that are filled again and again: a chunk is
   * only valid until the next one is asked for. For a consumer done with each
   * chunk before it asks for the next (a hash): no fresh memory per chunk.
   */
  readonly reuseBuffers?: boolean;
  /** Large files' chunks read into buffers lent by it, given back by the consumer (reader.ts). */
  readonly recycler?: ChunkRecycler;
}

/** What a volume needs from its tape; kept narrow so volumes stay testable. */
export interface VolumeSource {
  readonly tapeName: string;
  bytes(start: number, end: number, chunkSize?: number, options?: BytesOptions): AsyncIterable<Buffer>;
  entriesInRange(start: number, end: number): Iterable<TapeEntry>;
}

export interface VolumeOpenOptions {
  /** Called with each chunk's size as it is handed to the reader: live progress. */
  readonly onBytes?: (n: number) => void;
  /** Called with each chunk and its offset inside the volume, before the reader gets it: digests of the bytes actually read out. */
  readonly onChunk?: (chunk: Buffer, offset: number) => void;
  readonly highWaterMark?: number;
  /**
   * Size of the chunks read from the tape (default 1 MiB). Smaller chunks let
   * seek() drop less: a chunk already handed to the stream cannot be taken back.
   */
  readonly chunkSize?: number;
  /** Large files' chunks read into buffers lent by it, which the consumer gives back once written. */
  readonly recycler?: ChunkRecycler;
}

export class Volume {
  /** 1-based, the same number as the upload part it becomes. */
  readonly index: number;
  readonly name: string;
  readonly start: number;
  readonly end: number;

  constructor(private readonly source: VolumeSource, index: number, start: number, end: number) {
    this.index = index;
    this.start = start;
    this.end = end;
    this.name = `${source.tapeName}.tar.${String(index).padStart(3, "0")}`;
  }

  get size(): number {
    return this.end - this.start;
  }

  /** The entries this volume touches, and how. Read from the index on demand. */
  manifest(): VolumeManifestItem[] {
    const items: VolumeManifestItem[] = [];
    for (const entry of this.source.entriesInRange(this.start, this.end)) {
      const head = entry.startOffset >= this.start;
      const tail = entry.endOffset <= this.end;
      const slice: VolumeSlice = head && tail ? "whole" : head ? "head" : tail ? "tail" : "body";
      items.push({ entry, slice, start: Math.max(entry.startOffset, this.start), end: Math.min(entry.endOffset, this.end) });
    }
    return items;
  }

  open(options: VolumeOpenOptions = {}): VolumeStream {
    return new VolumeStream(this.source, this.start, this.end, options);
  }

  /**
   * The digest of the volume's bytes. Each chunk is hashed before the next is
   * read, so the whole volume goes through a few reused buffers: no allocation,
   * page faults or garbage per chunk, unlike a read through open(). An abort
   * of `signal` stops it between chunks (a 5 GiB part takes seconds).
   */
  async digest(algorithm: "md5" | "sha256", signal?: AbortSignal): Promise<Buffer> {
    signal?.throwIfAborted();
    const hash = createHash(algorithm);
    for await (const chunk of this.source.bytes(this.start, this.end, undefined, { reuseBuffers: true })) {
      signal?.throwIfAborted();
      hash.update(chunk);
    }
    return hash.digest();
  }
}

export class VolumeStream extends Readable {
  private position = 0;
  private sourceIterator: AsyncIterator<Buffer> | null = null;
  /** Bumped by seek(), so a read that was in flight across a seek is dropped. */
  private generation = 0;
  /** The end of the volume was pushed: a Readable cannot be refilled after that. */
  private pushedEnd = false;

  constructor(
    private readonly source: VolumeSource,
    private readonly rangeStart: number,
    private readonly rangeEnd: number,
    private readonly options: VolumeOpenOptions,
  ) {
    super({ highWaterMark: options.highWaterMark ?? 1024 * 1024 });
  }

  get size(): number {
    return this.rangeEnd - this.rangeStart;
  }

  /** Offset inside the volume of the next byte a reader will get. */
  tell(): number {
    return this.position - this.readableLength;
  }

  /**
   * Moves to `offset` inside the volume; bytes already buffered are dropped
   * (never delivered). Only while paused, and not back from the end once the
   * stream has delivered it: open() the volume again for that.
   */
  seek(offset: number): void {
    if (!Number.isSafeInteger(offset) || offset < 0 || offset > this.size) throw new OffsetOutOfRangeError("Volume offset", offset, this.size);
    if (this.pushedEnd && offset !== this.size) {
      throw new InvalidArgumentError("This volume stream has reached its end and cannot seek back: open() the volume again to read it anew.");
    }
    if (this.pushedEnd && this.readableLength === 0) return; // already at the end
    if (this.readableFlowing === true) throw new InvalidArgumentError("seek() needs a paused stream: call pause() first, or seek before reading.");
    const previous = this.sourceIterator;
    this.sourceIterator = null;
    this.generation++;
    this.position = offset;
    Promise.resolve(previous?.return?.(undefined)).catch(() => undefined);
    this.dropBuffered();
  }

  /** Empties the internal buffer without handing its bytes to 'data' listeners (read() would). */
  private dropBuffered(): void {
    const listeners = this.rawListeners("data") as Array<(...args: unknown[]) => void>;
    this.removeAllListeners("data");
    try {
      // A read this triggers starts at the new position.
      while (this.readableLength > 0 && this.read() !== null);
    } finally {
      for (const listener of listeners) this.on("data", listener);
    }
  }

  override async _read(): Promise<void> {
    const generation = this.generation;
    try {
      this.sourceIterator ??= this.source
        .bytes(this.rangeStart + this.position, this.rangeEnd, this.options.chunkSize, this.options.recycler ? { recycler: this.options.recycler } : {})
        [Symbol.asyncIterator]();
      const { value, done } = await this.sourceIterator.next();
      if (generation !== this.generation) return this._read(); // a seek happened meanwhile
      if (done) {
        this.pushedEnd = true;
        this.push(null);
        return;
      }
      this.options.onChunk?.(value, this.position);
      this.position += value.length;
      this.options.onBytes?.(value.length);
      this.push(value);
    } catch (err) {
      if (generation !== this.generation) return this._read(); // the failed read was for a position left by seek()
      this.destroy(err as Error);
    }
  }

  override _destroy(err: Error | null, callback: (error?: Error | null) => void): void {
    const it = this.sourceIterator;
    this.sourceIterator = null;
    Promise.resolve(it?.return?.())
      .catch(() => undefined)
      .then(() => callback(err));
  }
}

/** Cuts [0, totalSize) into volumes of `size` bytes; the last may be shorter. */
export function cutVolumes(source: VolumeSource, totalSize: number, size: number): Volume[] {
  if (!Number.isSafeInteger(size) || size <= 0) throw new InvalidArgumentError(`Volume size must be a positive whole number of bytes, got ${size}.`);
  const volumes: Volume[] = [];
  for (let start = 0, index = 1; start < totalSize; start += size, index++) volumes.push(new Volume(source, index, start, Math.min(start + size, totalSize)));
  return volumes;
}
