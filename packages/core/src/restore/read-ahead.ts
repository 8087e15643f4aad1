/**
 * Ranged reads fetched in parallel and handed over in tape order. There are
 * at most `concurrency` buffers of `bufferSize` bytes, used again and again:
 * each is being filled by a read, waiting to be taken, or held by the taker
 * until it gives it back (release). So the bytes held are concurrency ×
 * bufferSize whatever the tape's size, and no garbage collection is needed to
 * get them back (buffers left to the collector piled up to the size of the
 * tape before it ran). A taker that holds buffers longer (the restore, while
 * its writer thread writes them) has fewer reads in flight meanwhile; the
 * bound stays. The buffers are SharedArrayBuffers: the thread that writes the
 * files reads the bytes where they are (file-writer.ts).
 */
import type { TapeRead } from "./read-plan.js";

interface Pending {
  readonly buffer: Buffer;
  readonly promise: Promise<Buffer>;
}

export interface TakenRead {
  readonly read: TapeRead;
  readonly data: Buffer;
  /** Gives the buffer back for another read; `data` must not be used after. Idempotent. */
  readonly release: () => void;
}

export class ReadAhead {
  private readonly pending = new Map<number, Pending>();
  private readonly free: Buffer[] = [];
  private allocated = 0;
  private nextToStart = 0;
  private nextToTake = 0;
  private bufferFreed: (() => void) | null = null;

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
   * The next read's bytes, in order; starts the reads after it, up to
   * `concurrency` reads ahead and as buffers allow. When every buffer is
   * held, waits for one to be released.
   */
  async take(): Promise<TakenRead> {
    const index = this.nextToTake;
    const read = this.reads[index];
    if (read === undefined) throw new RangeError("every planned read was already taken");
    this.nextToTake++;
    this.fill();
    while (!this.pending.has(index)) {
      await new Promise<void>((resolve) => (this.bufferFreed = resolve));
      this.fill();
    }
    const pending = this.pending.get(index)!;
    this.pending.delete(index);
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      this.free.push(pending.buffer);
      this.fill();
      const wake = this.bufferFreed;
      this.bufferFreed = null;
      wake?.();
    };
    try {
      return { read, data: await pending.promise, release };
    } catch (err) {
      release();
      throw err;
    }
  }

  /** Waits for the reads still in flight (their failures ignored): nothing keeps running after a stop. */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.pending.values()].map((p) => p.promise));
    this.pending.clear();
  }

  /** Starts reads up to `concurrency` past the last one taken, while there are buffers. */
  private fill(): void {
    const upTo = Math.min(this.nextToTake - 1 + this.concurrency, this.reads.length);
    for (; this.nextToStart < upTo; this.nextToStart++) {
      let buffer = this.free.pop();
      if (buffer === undefined) {
        if (this.allocated === this.concurrency) return;
        this.allocated++;
        buffer = Buffer.from(new SharedArrayBuffer(this.bufferSize));
      }
      const read = this.reads[this.nextToStart]!;
      const promise = this.fetch(read, buffer.subarray(0, read.end - read.start));
      // Rejections surface when taken; until then they must not count as unhandled.
      promise.catch(() => undefined);
      this.pending.set(this.nextToStart, { buffer, promise });
    }
  }
}
