import { describe, expect, it } from "vitest";
import type { UploadResult } from "@tartape/core";
import { describeUploadResult } from "./upload-summary.js";

const MiB = 1024 * 1024;
const base: UploadResult = {
  status: "completed",
  targetId: "s3://bucket/key.tar",
  uploadId: "up-1",
  fingerprint: "ab".repeat(32),
  totalSize: 10 * MiB,
  partSize: 2 * MiB,
  partCount: 5,
  partsUploaded: 3,
  partsSkipped: 2,
  bytesUploaded: 6 * MiB,
  bytesSkipped: 4 * MiB,
  object: { size: 10 * MiB, etag: '"abc-5"', location: "http://127.0.0.1:9000/bucket/key.tar" },
};

describe("describeUploadResult", () => {
  it("says what was sent, what a resume skipped, and where the object is", () => {
    expect(describeUploadResult("/data", base, 3000)).toBe(
      [
        "Upload complete: /data -> s3://bucket/key.tar",
        "  tape         10 MiB (10485760 bytes), fingerprint abababababababab",
        "  parts        5 of 2 MiB: 3 uploaded, 2 skipped (already at the destination)",
        "  sent         6 MiB in 3.0s (2 MiB/s); 4 MiB skipped by resume",
        '  object       etag "abc-5", at http://127.0.0.1:9000/bucket/key.tar',
        "  upload id    up-1",
        "",
      ].join("\n"),
    );
  });

  it("says an already complete upload sent nothing, and how to send it again", () => {
    const text = describeUploadResult("/data", { ...base, status: "already-complete", partsUploaded: 0, partsSkipped: 5, bytesUploaded: 0 }, 5);
    expect(text).toMatch(/^Already complete: s3:\/\/bucket\/key\.tar holds this tape of \/data; nothing was sent\.\n/);
    expect(text).toContain("0 uploaded, 5 skipped");
    expect(text).toContain("--restart");
  });

  it("says which uploads an interrupted run had left unrecorded were cleaned up, and warns when looking failed", () => {
    const cleaned = describeUploadResult("/data", { ...base, unrecorded: { discarded: ["orphan-1", "orphan-2"] } }, 3000);
    expect(cleaned).toContain("  cleaned up   2 upload(s) an interrupted run had started but never recorded: orphan-1, orphan-2\n");
    const failed = describeUploadResult("/data", { ...base, unrecorded: { discarded: [], error: Object.assign(new Error("denied"), { code: "AccessDenied" }) } }, 3000);
    expect(failed).not.toContain("cleaned up");
    expect(failed).toContain("warning      could not look for uploads an interrupted run may have left on the server (AccessDenied); the next run looks again");
    expect(describeUploadResult("/data", base, 3000)).not.toMatch(/cleaned up|warning/);
  });
});
