/**
 * Ranged reads fetched in parallel and handed over in tape order. At most
 * `concurrency` reads are in flight or waiting to be consumed, each held
 * whole in memory, so the bytes held are at most concurrency × rangeSize,
 * whatever the tape's size.
 */
import type { TapeRead } from "./read-plan.js";

export class ReadAhead {
  private readonly pending = new Map<number, Promise<Buffer>>();
  private nextToStart = 0;
  private nextToTake = 0;

  constructor(
    private readonly reads: readonly TapeRead[],
    private readonly concurrency: number,
    private readonly fetch: (read: TapeRead) => Promise<Buffer>,
  ) {
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`concurrency must be a positive whole number, got ${concurrency}`);
  }

  /** The next read's bytes, in order; starts the reads after it up to the window. */
  async take(): Promise<{ read: TapeRead; data: Buffer }> {
    const index = this.nextToTake;
    const read = this.reads[index];
    if (read === undefined) throw new RangeError("every planned read was already taken");
    this.fill(index + this.concurrency);
    const data = await this.pending.get(index)!;
    this.pending.delete(index);
    this.nextToTake++;
    return { read, data };
  }

  /** Waits for the reads still in flight (their failures ignored): nothing keeps running after a stop. */
  async settle(): Promise<void> {
    await Promise.allSettled(this.pending.values());
    this.pending.clear();
  }

  private fill(upTo: number): void {
    for (; this.nextToStart < Math.min(upTo, this.reads.length); this.nextToStart++) {
      const promise = this.fetch(this.reads[this.nextToStart]!);
      // Rejections surface when taken; until then they must not count as unhandled.
      promise.catch(() => undefined);
      this.pending.set(this.nextToStart, promise);
    }
  }
}
