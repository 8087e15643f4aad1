/**
 * The CRC-32 of every regular file's bytes inside one part, computed from the
 * chunks handed to the target while the part is sent: the digests the catalog
 * records are of the bytes actually uploaded, not of a second read.
 */
import { rememberChunkCrc32 } from "../remote/chunk-crc32.js";
import { crc32, crc32Combine } from "../remote/crc32.js";

/** A regular file's content range on the tape. */
export interface FileRange {
  readonly index: number;
  /** First content byte, on the tape. */
  readonly start: number;
  /** One past the last content byte. */
  readonly end: number;
}

/** Bytes per record in a part's packed digests: entry index (u32 BE), CRC-32 (u32 BE). */
export const SEGMENT_RECORD_SIZE = 8;

export class PartDigester {
  private fileIterator: Iterator<FileRange> | null = null;
  private current: FileRange | null = null;
  private crc = 0;
  /** Offset inside the part of the next byte expected. */
  private position = 0;
  private records: number[] = [];
  private broken = false;

  /**
   * `files`: the regular files with content that intersect the part, in tape
   * order; called again each time the part is sent anew (a retry).
   */
  constructor(
    private readonly partStart: number,
    private readonly partEnd: number,
    private readonly files: () => Iterable<FileRange>,
  ) {}

  /** One chunk, at `offset` inside the part. A send that starts over starts the digests over. */
  update = (chunk: Buffer, offset: number): void => {
    if (offset === 0) this.reset();
    if (this.broken) return;
    // A reader that seeks or skips sees other bytes than the part's in order: no digests then.
    if (offset !== this.position) {
      this.broken = true;
      return;
    }
    let pos = this.partStart + offset;
    const chunkEnd = pos + chunk.length;
    while (pos < chunkEnd) {
      const file = this.current ?? this.nextFile();
      if (file === null || file.start >= chunkEnd) break;
      const from = Math.max(pos, file.start);
      const to = Math.min(chunkEnd, file.end);
      if (to > from && to - from === chunk.length) {
        // The whole chunk is this file's: its own CRC-32 serves the target's checksum too (chunk-crc32.ts).
        const whole = crc32(chunk);
        rememberChunkCrc32(chunk, whole);
        this.crc = crc32Combine(this.crc, whole, chunk.length);
      } else if (to > from) {
        this.crc = crc32(chunk.subarray(from - (this.partStart + offset), to - (this.partStart + offset)), this.crc);
      }
      if (to >= Math.min(file.end, this.partEnd)) this.closeFile();
      pos = to;
    }
    this.position += chunk.length;
  };

  /** The packed digests, once exactly the whole part went through in order; null otherwise. */
  result(): Buffer | null {
    if (this.broken || this.position !== this.partEnd - this.partStart) return null;
    // A file that ends in the part after the last chunk was looked at cannot exist (the chunks cover the part).
    const out = Buffer.allocUnsafe(this.records.length * 4);
    for (let i = 0; i < this.records.length; i++) out.writeUInt32BE(this.records[i]!, i * 4);
    return out;
  }

  private reset(): void {
    this.fileIterator = this.filesInPart()[Symbol.iterator]();
    this.current = null;
    this.crc = 0;
    this.position = 0;
    this.records = [];
    this.broken = false;
  }

  private *filesInPart(): Generator<FileRange> {
    for (const file of this.files()) if (file.end > this.partStart && file.start < this.partEnd && file.end > file.start) yield file;
  }

  private nextFile(): FileRange | null {
    const next = this.fileIterator?.next();
    this.current = next && !next.done ? next.value : null;
    this.crc = 0;
    return this.current;
  }

  private closeFile(): void {
    this.records.push(this.current!.index, this.crc);
    this.current = null;
  }
}

/** Reads packed digests back: entry index → CRC-32 of its bytes in that part. */
export function unpackDigests(packed: Buffer): Map<number, number> {
  const map = new Map<number, number>();
  for (let i = 0; i + SEGMENT_RECORD_SIZE <= packed.length; i += SEGMENT_RECORD_SIZE) map.set(packed.readUInt32BE(i), packed.readUInt32BE(i + 4));
  return map;
}
