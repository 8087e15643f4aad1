import { describe, expect, it } from "vitest";
import { TargetError } from "@tartape/core";
import { describeEvent } from "./describe-event.js";

const part = { number: 3, start: 0, end: 10, size: 10 };

describe("describeEvent", () => {
  it("explains a retry with the error's own message, or its code", () => {
    const typed = new TargetError("TARGET_UNREACHABLE", "Cannot reach http://127.0.0.1:9000.", { retryable: true });
    expect(describeEvent({ type: "part-retry", part, attempt: 1, error: typed })).toBe("Part 3 failed (Cannot reach http://127.0.0.1:9000.); retrying, attempt 2");
    const raw = Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
    expect(describeEvent({ type: "part-retry", part, attempt: 2, error: raw })).toBe("Part 3 failed (ECONNRESET); retrying, attempt 3");
  });

  it("reports resumes and lost uploads, and keeps routine part events off the screen", () => {
    expect(describeEvent({ type: "upload-resumed", uploadId: "u1", partsOnServer: 4 })).toBe("Resuming upload u1: 4 part(s) already at the destination");
    expect(describeEvent({ type: "upload-lost", uploadId: "u1" })).toMatch(/no longer exists at the destination; starting over/);
    expect(describeEvent({ type: "completed-object-missing", uploadId: "u1" })).toMatch(/no longer holds the tape uploaded earlier .*uploading it again/);
    expect(describeEvent({ type: "upload-replaced", targetId: "s3://b/k?checksum=crc32", uploadId: "u0", options: { checksum: "crc32" } })).toBe(
      "Aborted upload u0 to s3://b/k?checksum=crc32 (made with --checksum crc32): --restart starts over with the options given now",
    );
    expect(describeEvent({ type: "part-size-raised", from: 4096, requested: true, partSize: 1048576, partCount: 51, partsNeeded: 12801, maxParts: 10000 })).toBe(
      "Part size raised from 4 KiB (asked for) to 1 MiB (51 parts): at 4 KiB the tape would need 12801 parts, more than this destination's limit of 10000",
    );
    expect(describeEvent({ type: "part-start", part, attempt: 1 })).toBeNull();
    expect(describeEvent({ type: "part-done", part, receipt: { number: 3, size: 10, etag: "e", checksum: "md5:x" } })).toBeNull();
  });
});
