/**
 * Buffers for large files' chunks that come back once the consumer has
 * written them, so the next chunk is read into memory already mapped.
 *
 * A fresh 1 MiB buffer per chunk costs page faults as the kernel fills it,
 * the allocation, and garbage collection of the old one: about half the CPU
 * of reading a GiB from the page cache (bench/README.md). A part body read
 * into recycled buffers needs a consumer that says when it is done with each
 * chunk, which only the last writer knows: the S3 target's sockets call
 * `giveBack` from the write callback, once the bytes are in the kernel.
 * A chunk never given back (a request that failed) is simply left to the
 * garbage collector.
 */
import { forgetChunkCrc32 } from "../remote/chunk-crc32.js";

export class ChunkRecycler {
  private readonly free: Buffer[] = [];
  /** The chunks lent out, each to the whole buffer it is a view of. */
  private readonly lent = new WeakMap<Buffer, Buffer>();

  constructor(
    /** The size of every recycled buffer: reads of this size or less use one. */
    readonly bufferSize: number,
    /** How many idle buffers are kept; more given back are dropped. */
    private readonly maxIdle: number,
  ) {}

  /** A buffer of `length` bytes to read a chunk into; it holds no bytes anyone still needs. */
  take(length: number): Buffer {
    if (length > this.bufferSize) return Buffer.allocUnsafe(length);
    const whole = this.free.pop() ?? Buffer.allocUnsafeSlow(this.bufferSize);
    const chunk = length === whole.length ? whole : whole.subarray(0, length);
    // A CRC-32 remembered for the bytes this buffer held before is not the new bytes'.
    forgetChunkCrc32(chunk);
    this.lent.set(chunk, whole);
    return chunk;
  }

  /** Whether `chunk` was lent by this recycler and not given back yet. */
  lends(chunk: unknown): chunk is Buffer {
    return Buffer.isBuffer(chunk) && this.lent.has(chunk);
  }

  /** `chunk`'s bytes are no longer needed by anyone: its buffer may be read into again. Other buffers are ignored. */
  giveBack(chunk: Buffer): void {
    const whole = this.lent.get(chunk);
    if (whole === undefined) return;
    this.lent.delete(chunk);
    if (this.free.length < this.maxIdle) this.free.push(whole);
  }

  /** Idle buffers held (for tests and memory accounting). */
  get idle(): number {
    return this.free.length;
  }
}
