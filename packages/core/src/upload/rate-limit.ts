/**
 * A bandwidth cap shared by every part in flight: one schedule of when the
 * next byte may go, which each part's stream books its chunks on. Four parts
 * at a 20 MiB/s cap send 5 MiB/s each, not 20 each.
 *
 * The schedule is a virtual clock (GCRA, as in the rate limiters of network
 * gear): a chunk of n bytes waits for its turn on the clock, less a small
 * allowance for bursts, and moves the clock on by n / rate. No timer runs
 * while nothing is sent, and an idle spell earns nothing, so over any
 * stretch the bytes sent are at most rate × (time + 100 ms) plus one chunk.
 */
import { Transform, type TransformCallback } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { InvalidArgumentError } from "../errors.js";

/** Sent ahead of the schedule at most: enough to keep one chunk of every part moving, small against any rate over a few seconds. */
const BURST_MS = 100;

/** A bandwidth cap must be a positive, finite number of bytes per second. */
export function checkRate(bytesPerSecond: number): void {
  if (!Number.isFinite(bytesPerSecond) || bytesPerSecond <= 0) {
    throw new InvalidArgumentError(`A rate limit must be a positive number of bytes per second, got ${bytesPerSecond}.`);
  }
}

export class RateLimiter {
  /** When, in ms of `now()`, the bytes booked so far have all gone out at the cap. */
  private clock = Number.NEGATIVE_INFINITY;

  constructor(
    readonly bytesPerSecond: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    checkRate(bytesPerSecond);
  }

  /** Books `bytes` and says how long to wait (ms) before sending them: until their turn comes, less the burst allowance. */
  book(bytes: number): number {
    const now = this.now();
    // An idle spell earns nothing: the schedule restarts from now.
    const start = Math.max(this.clock, now);
    this.clock = start + (bytes * 1000) / this.bytesPerSecond;
    return Math.max(0, start - BURST_MS - now);
  }

  /** A pass-through that lets each chunk out when the schedule allows; stops waiting when `signal` aborts. */
  throttle(signal?: AbortSignal): Transform {
    return new Transform({
      transform: (chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) => {
        const wait = this.book(chunk.length);
        if (wait <= 0) return callback(null, chunk);
        sleep(wait, undefined, signal ? { signal } : {}).then(
          () => callback(null, chunk),
          (err: unknown) => callback(err as Error),
        );
      },
    });
  }
}
