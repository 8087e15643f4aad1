/**
 * Ranged reads fetched in parallel and handed over in tape order. At most
 * `concurrency` reads are in flight or waiting to be consumed, each into one
 * of `concurrency` buffers of `bufferSize` bytes that are used again and
 * again: the bytes held are concurrency × bufferSize whatever the tape's
 * size, and no garbage collection is needed to get them back (buffers left
 * to the collector piled up to the size of the tape before it ran). The
 * buffers are SharedArrayBuffers: the thread that writes the files reads the
 * bytes where they are (file-writer.ts).
 */
import type { TapeRead } from "./read-plan.js";

interface Pending {
  readonly buffer: Buffer;
  readonly promise: Promise<Buffer>;
}

export class ReadAhead {
  private readonly pending = new Map<number, Pending>();
  private readonly free: Buffer[] = [];
  private lastTaken: Buffer | null = null;
  private nextToStart = 0;
  private nextToTake = 0;

  constructor(
    private readonly reads: readonly TapeRead[],
    private readonly concurrency: number,
    private readonly bufferSize: number,
    /** Fills `into` (exactly the read's length) with the read's bytes. */
    private readonly fetch: (read: TapeRead, into: Buffer) => Promise<Buffer>,
  ) {
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`concurrency must be a positive whole number, got ${concurrency}`);
    for (const read of reads) if (read.end - read.start > bufferSize) throw new RangeError(`a read of ${read.end - read.start} bytes does not fit buffers of ${bufferSize}`);
  }

  /**
   * The next read's bytes, in order; starts the reads after it up to the
   * window. The bytes of the read taken before are given back: use them
   * before taking the next.
   */
  async take(): Promise<{ read: TapeRead; data: Buffer }> {
    const index = this.nextToTake;
    const read = this.reads[index];
    if (read === undefined) throw new RangeError("every planned read was already taken");
    if (this.lastTaken !== null) this.free.push(this.lastTaken);
    this.lastTaken = null;
    this.fill(index + this.concurrency);
    const pending = this.pending.get(index)!;
    this.pending.delete(index);
    this.nextToTake++;
    const data = await pending.promise;
    this.lastTaken = pending.buffer;
    return { read, data };
  }

  /** Waits for the reads still in flight (their failures ignored): nothing keeps running after a stop. */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.pending.values()].map((p) => p.promise));
    this.pending.clear();
  }

  private fill(upTo: number): void {
    for (; this.nextToStart < Math.min(upTo, this.reads.length); this.nextToStart++) {
      const read = this.reads[this.nextToStart]!;
      const buffer = this.free.pop() ?? Buffer.from(new SharedArrayBuffer(this.bufferSize));
      const promise = this.fetch(read, buffer.subarray(0, read.end - read.start));
      // Rejections surface when taken; until then they must not count as unhandled.
      promise.catch(() => undefined);
      this.pending.set(this.nextToStart, { buffer, promise });
    }
  }
}
