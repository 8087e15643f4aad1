import path from "node:path";
import { describe, expect, it } from "vitest";
import { TargetError } from "../errors.js";
import { tempDir, writeFile } from "../test-util/fs.js";
import { FileTarget } from "./file-target.js";
import { withRetry } from "./retry.js";
import type { CompletedObject, UploadContext } from "./target.js";
import { uploadTape } from "./upload-tape.js";

const FAST = { retries: 2, minDelayMs: 1, maxDelayMs: 2 };
const temporary = () => new TargetError("TARGET_ERROR", "HeadObject failed with a temporary error (TimeoutError).", { retryable: true });

describe("withRetry says how often a temporary failure was tried", () => {
  it("a temporary failure that outlasts the retries names the attempts made", async () => {
    let calls = 0;
    const err = await withRetry(async () => {
      calls++;
      throw temporary();
    }, FAST).catch((e: unknown) => e as Error);
    expect(calls).toBe(3);
    expect(err.message).toBe("HeadObject failed with a temporary error (TimeoutError). (Tried 3 times.)");
  });

  it("a failure that is not retried says nothing of attempts", async () => {
    const err = await withRetry(async () => {
      throw new TargetError("TARGET_AUTH", "Access denied.");
    }, FAST).catch((e: unknown) => e as Error);
    expect(err.message).toBe("Access denied.");
  });
});

/** A file target whose first look for a finished object times out. */
class FlakyLookup extends FileTarget {
  lookups = 0;
  override async findCompleted(ctx: UploadContext, recorded?: CompletedObject): Promise<CompletedObject | null> {
    if (++this.lookups === 1) throw temporary();
    return super.findCompleted(ctx, recorded);
  }
}

describe("every target call the driver makes is retried", () => {
  it("the look for a finished object (HeadObject on S3) is retried like the others", async () => {
    const dir = path.join(tempDir(), "src");
    writeFile(path.join(dir, "a.txt"), "a\n");
    const target = new FlakyLookup(path.join(tempDir(), "out.tar"));
    const result = await uploadTape(dir, target, { retry: FAST });
    expect(result.status).toBe("completed");
    expect(target.lookups).toBe(2);

    // And when checking a completed upload before saying "already complete".
    target.lookups = 0;
    expect((await uploadTape(dir, target, { retry: FAST })).status).toBe("already-complete");
    expect(target.lookups).toBe(2);
  });
});
