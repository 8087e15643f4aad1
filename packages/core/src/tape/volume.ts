/**
 * Logical volumes: the tape cut into fixed byte ranges. A volume is one part
 * of a multipart upload; `open()` gives a Readable over exactly its bytes that
 * can `seek()` and `tell()` inside the range.
 */
import { Readable } from "node:stream";
import { InvalidArgumentError, OffsetOutOfRangeError } from "../errors.js";
import type { TapeEntry } from "../types.js";

/** How a volume touches an entry: all of it, or only its head, a middle slice, or its tail. */
export type VolumeSlice = "whole" | "head" | "body" | "tail";

export interface VolumeManifestItem {
  readonly entry: TapeEntry;
  readonly slice: VolumeSlice;
  /** Tape bytes of the entry inside this volume: [start, end). */
  readonly start: number;
  readonly end: number;
}

/** What a volume needs from its tape; kept narrow so volumes stay testable. */
export interface VolumeSource {
  readonly tapeName: string;
  bytes(start: number, end: number): AsyncIterable<Buffer>;
  entriesInRange(start: number, end: number): Iterable<TapeEntry>;
}

export interface VolumeOpenOptions {
  /** Called with each chunk's size as it is handed to the reader: live progress. */
  readonly onBytes?: (n: number) => void;
  readonly highWaterMark?: number;
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
}

export class VolumeStream extends Readable {
  private position = 0;
  private sourceIterator: AsyncIterator<Buffer> | null = null;
  /** Bumped by seek(), so a read that was in flight across a seek is dropped. */
  private generation = 0;

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

  /** Moves to `offset` inside the volume; bytes already buffered are dropped. Only while paused. */
  seek(offset: number): void {
    if (!Number.isInteger(offset) || offset < 0 || offset > this.size) throw new OffsetOutOfRangeError("Volume offset", offset, this.size);
    if (this.readableFlowing === true) throw new InvalidArgumentError("seek() needs a paused stream: call pause() first, or seek before reading.");
    void this.sourceIterator?.return?.();
    this.sourceIterator = null;
    this.generation++;
    this.position = offset;
    // Drop what is buffered from the old position; a read this triggers starts at the new one.
    while (this.readableLength > 0 && this.read() !== null);
  }

  override async _read(): Promise<void> {
    const generation = this.generation;
    try {
      this.sourceIterator ??= this.source.bytes(this.rangeStart + this.position, this.rangeEnd)[Symbol.asyncIterator]();
      const { value, done } = await this.sourceIterator.next();
      if (generation !== this.generation) return this._read(); // a seek happened meanwhile
      if (done) {
        this.push(null);
        return;
      }
      this.position += value.length;
      this.options.onBytes?.(value.length);
      this.push(value);
    } catch (err) {
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
