import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { RateLimiter } from "./rate-limit.js";

describe("RateLimiter", () => {
  it("books chunks on one schedule: waits grow with the bytes booked by anyone, less a 100 ms burst", () => {
    let now = 0;
    const limiter = new RateLimiter(1000, () => now);
    expect(limiter.book(100)).toBe(0); // its turn is now
    expect(limiter.book(100)).toBe(0); // its turn is in 100 ms: within the burst allowance
    expect(limiter.book(500)).toBeCloseTo(100); // its turn is in 200 ms
    expect(limiter.book(100)).toBeCloseTo(600);
    now = 10_000; // idle for long: earns nothing
    expect(limiter.book(1000)).toBe(0);
    expect(limiter.book(100)).toBeCloseTo(900);
  });

  it("refuses a rate that is not a positive number", () => {
    for (const rate of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) expect(() => new RateLimiter(rate)).toThrow(/positive number of bytes per second/);
  });

  it("holds two streams together to the cap, on the real clock", async () => {
    const limiter = new RateLimiter(4 * 1024 * 1024); // 4 MiB/s
    const chunk = Buffer.alloc(64 * 1024);
    const send = (chunks: number) =>
      pipeline(
        Readable.from(Array.from({ length: chunks }, () => chunk)),
        limiter.throttle(),
        new Writable({ write: (_c, _e, cb) => cb() }),
      );
    const started = performance.now();
    await Promise.all([send(16), send(16)]); // 2 MiB in all: 0.5 s less the 100 ms burst and the last chunk's 16 ms
    const seconds = (performance.now() - started) / 1000;
    expect(seconds).toBeGreaterThan(0.36);
    expect(seconds).toBeLessThan(1.2);
  });

  it("stops waiting when the signal aborts", async () => {
    const limiter = new RateLimiter(1024);
    const controller = new AbortController();
    const stream = limiter.throttle(controller.signal);
    stream.write(Buffer.alloc(4096));
    stream.write(Buffer.alloc(4096));
    const failed = new Promise((resolve) => stream.on("error", resolve));
    stream.resume();
    controller.abort(new Error("stop"));
    expect(await failed).toMatchObject({ name: "AbortError" });
  });
});
