import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { forEachConcurrently, unlessAborted } from "./concurrency.js";

describe("forEachConcurrently", () => {
  it("runs every item with at most `limit` in flight", async () => {
    let inFlight = 0;
    let peak = 0;
    const done: number[] = [];
    await forEachConcurrently([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      peak = Math.max(peak, ++inFlight);
      await sleep(5 + (n % 3));
      done.push(n);
      inFlight--;
    });
    expect(done.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(peak).toBe(3);
  });

  it("after a failure starts nothing new, lets the running ones settle, then throws the first failure", async () => {
    const started: number[] = [];
    let settled = 0;
    const failure = new Error("item 2 failed");
    const run = forEachConcurrently([1, 2, 3, 4, 5, 6], 2, async (n) => {
      started.push(n);
      if (n === 2) throw failure;
      await sleep(20);
      settled++;
    });
    await expect(run).rejects.toBe(failure);
    expect(started).toEqual([1, 2]);
    expect(settled).toBe(1);
  });
});

describe("unlessAborted", () => {
  it("settles as the work does while the signal stays quiet", async () => {
    await expect(unlessAborted(Promise.resolve(7), new AbortController().signal)).resolves.toBe(7);
    await expect(unlessAborted(Promise.reject(new Error("no")), new AbortController().signal)).rejects.toThrow("no");
  });

  it("rejects with the abort reason at once, without waiting for the work", async () => {
    const controller = new AbortController();
    const reason = new Error("stop");
    const never = new Promise<number>(() => {});
    setTimeout(() => controller.abort(reason), 5);
    await expect(unlessAborted(never, controller.signal)).rejects.toBe(reason);
    await expect(unlessAborted(Promise.reject(new Error("ignored")), controller.signal)).rejects.toBe(reason);
  });
});
