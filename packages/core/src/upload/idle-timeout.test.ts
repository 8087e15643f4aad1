import { describe, expect, it } from "vitest";
import { IdleTimeoutError, withIdleTimeout } from "./idle-timeout.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("withIdleTimeout", () => {
  it("gives up a request that stays silent, with a retryable error, and aborts its signal", async () => {
    let seen: AbortSignal | undefined;
    const never = withIdleTimeout(50, new AbortController().signal, "Sending part 3", (signal) => {
      seen = signal;
      return new Promise<never>(() => {});
    });
    const err = await never.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IdleTimeoutError);
    expect(err).toMatchObject({ code: "TARGET_UNREACHABLE", retryable: true });
    expect((err as Error).message).toMatch(/^Sending part 3: no progress for 0.05 s/);
    expect(seen?.aborted).toBe(true);
  });

  it("a request that keeps making progress runs past the timeout", async () => {
    const result = await withIdleTimeout(60, new AbortController().signal, "x", async (_signal, progress) => {
      for (let i = 0; i < 6; i++) {
        await sleep(30);
        progress();
      }
      return "done";
    });
    expect(result).toBe("done");
  });

  it("the caller's abort passes through as it is", async () => {
    const caller = new AbortController();
    const running = withIdleTimeout(1000, caller.signal, "x", (signal) => new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason))));
    caller.abort(new Error("stopped by the user"));
    await expect(running).rejects.toThrow("stopped by the user");
  });

  it("without a timeout the request gets the caller's signal and no deadline", async () => {
    const caller = new AbortController();
    const result = await withIdleTimeout(undefined, caller.signal, "x", async (signal) => {
      expect(signal).toBe(caller.signal);
      await sleep(20);
      return 1;
    });
    expect(result).toBe(1);
  });
});
