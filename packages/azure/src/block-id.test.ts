import { describe, expect, it } from "vitest";
import { RAW_BLOCK_ID_LENGTH, blockIdFor, isUploadId, parseBlockId, uploadIdFor } from "./block-id.js";

const FINGERPRINT = "3f9a1c0de4b27768a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718";

describe("block ids", () => {
  it("derive the upload id from the fingerprint and the part size", () => {
    expect(uploadIdFor(FINGERPRINT, 16 * 1024 * 1024)).toBe("3f9a1c0de4b27768-0016777216");
    expect(uploadIdFor(FINGERPRINT.toUpperCase(), 1)).toBe("3f9a1c0de4b27768-0000000001");
  });

  it("are the same for the same tape, plan and part, and differ otherwise", () => {
    const uploadId = uploadIdFor(FINGERPRINT, 4096);
    expect(blockIdFor(uploadId, 7)).toBe(blockIdFor(uploadIdFor(FINGERPRINT, 4096), 7));
    expect(blockIdFor(uploadId, 7)).not.toBe(blockIdFor(uploadId, 8));
    expect(blockIdFor(uploadId, 7)).not.toBe(blockIdFor(uploadIdFor(FINGERPRINT, 8192), 7));
    expect(blockIdFor(uploadId, 7)).not.toBe(blockIdFor(uploadIdFor(`0${FINGERPRINT.slice(1)}`, 4096), 7));
  });

  it("all have the same length, as Azure requires of one blob's blocks", () => {
    const lengths = new Set<number>();
    for (const partSize of [1, 4096, 4000 * 1024 * 1024]) {
      const uploadId = uploadIdFor(FINGERPRINT, partSize);
      for (const n of [1, 9, 10, 999, 50_000, 99_999_999]) lengths.add(blockIdFor(uploadId, n).length);
    }
    expect([...lengths]).toEqual([48]);
    expect(Buffer.from(blockIdFor(uploadIdFor(FINGERPRINT, 1), 1), "base64").length).toBe(RAW_BLOCK_ID_LENGTH);
    // Azure's limit is 64 bytes before encoding; a multiple of 3 avoids '=' padding.
    expect(RAW_BLOCK_ID_LENGTH).toBeLessThanOrEqual(64);
    expect(RAW_BLOCK_ID_LENGTH % 3).toBe(0);
  });

  it("parse back to their upload and part", () => {
    const uploadId = uploadIdFor(FINGERPRINT, 5 * 1024 * 1024);
    expect(parseBlockId(blockIdFor(uploadId, 1234))).toEqual({ uploadId, partNumber: 1234 });
    expect(isUploadId(uploadId)).toBe(true);
  });

  it("tell other writers' blocks apart", () => {
    expect(parseBlockId(Buffer.from("block-000001").toString("base64"))).toBeNull();
    expect(parseBlockId("not base64 at all!")).toBeNull();
    expect(parseBlockId(Buffer.from("3f9a1c0de4b27768-0000004096-00000000").toString("base64"))).toBeNull();
    expect(parseBlockId("")).toBeNull();
  });

  it("refuse values that do not fit", () => {
    expect(() => uploadIdFor("xyz", 4096)).toThrow(/16 hex digits/);
    expect(() => uploadIdFor(FINGERPRINT, 10_000_000_000)).toThrow(/Part size/);
    expect(() => uploadIdFor(FINGERPRINT, 1.5)).toThrow(/Part size/);
    expect(() => blockIdFor("upload", 1)).toThrow(/not an upload id/);
    expect(() => blockIdFor(uploadIdFor(FINGERPRINT, 1), 0)).toThrow(/start at 1/);
    expect(() => blockIdFor(uploadIdFor(FINGERPRINT, 1), 100_000_000)).toThrow(/Part number/);
  });
});
