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
  readonly read: TapeRead;
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
  private exhausted = false;
  /** Starting reads, one at a time (the plan is pulled as they start). */
  private filling: Promise<void> = Promise.resolve();
  /** A failure of the plan (its catalog could not be read): thrown by the next take. */
  private planFailure: unknown = null;
  private wake: (() => void) | null = null;

  constructor(
    /** The reads, in tape order, pulled as they are started: the plan is made as the restore goes. */
    private readonly reads: AsyncIterator<TapeRead>,
    private readonly concurrency: number,
    private readonly bufferSize: number,
    /** Fills `into` (exactly the read's length) with the read's bytes. */
    private readonly fetch: (read: TapeRead, into: Buffer) => Promise<Buffer>,
  ) {
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`concurrency must be a positive whole number, got ${concurrency}`);
  }

  /**
   * The next read's bytes, in order; starts the reads after it, up to
   * `concurrency` reads ahead and as buffers allow. When every buffer is
   * held, waits for one to be released. Null when the plan has no more reads.
   */
  async take(): Promise<TakenRead | null> {
    const index = this.nextToTake++;
    for (;;) {
      await this.fill();
      if (this.planFailure !== null) throw this.planFailure;
      if (this.pending.has(index)) break;
      if (this.exhausted && this.nextToStart <= index) return null;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
    const pending = this.pending.get(index)!;
    this.pending.delete(index);
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      this.free.push(pending.buffer);
      const wake = this.wake;
      this.wake = null;
      wake?.();
      void this.fill();
    };
    try {
      return { read: pending.read, data: await pending.promise, release };
    } catch (err) {
      release();
      throw err;
    }
  }

  /** Waits for the reads still in flight (their failures ignored) and closes the plan: nothing keeps running after a stop. */
  async settle(): Promise<void> {
    await this.filling;
    await Promise.allSettled([...this.pending.values()].map((p) => p.promise));
    this.pending.clear();
    this.exhausted = true;
    await this.reads.return?.();
  }

  /** Starts reads up to `concurrency` past the last one taken, while there are buffers (one caller at a time). */
  private fill(): Promise<void> {
    this.filling = this.filling.then(() => this.startReads());
    return this.filling;
  }

  private async startReads(): Promise<void> {
    while (!this.exhausted && this.planFailure === null && this.nextToStart < this.nextToTake - 1 + this.concurrency) {
      let buffer = this.free.pop();
      if (buffer === undefined) {
        if (this.allocated === this.concurrency) return;
        this.allocated++;
        buffer = Buffer.from(new SharedArrayBuffer(this.bufferSize));
      }
      let next: IteratorResult<TapeRead>;
      try {
        next = await this.reads.next();
      } catch (err) {
        this.free.push(buffer);
        this.planFailure = err;
        return;
      }
      if (next.done === true) {
        this.free.push(buffer);
        this.exhausted = true;
        return;
      }
      const read = next.value;
      if (read.end - read.start > this.bufferSize) {
        this.free.push(buffer);
        this.planFailure = new RangeError(`a read of ${read.end - read.start} bytes does not fit buffers of ${this.bufferSize}`);
        return;
      }
      const promise = this.fetch(read, buffer.subarray(0, read.end - read.start));
      // Rejections surface when taken; until then they must not count as unhandled.
      promise.catch(() => undefined);
      this.pending.set(this.nextToStart++, { read, buffer, promise });
    }
  }
}
