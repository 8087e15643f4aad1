import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { crc32, crc32Base64 } from "./checksum.js";
import { holdsIdentity, identityBody, IDENTITY_PART_NUMBER } from "./identity-marker.js";
import { MARKER_PART_NUMBER } from "./ownership-marker.js";
import { S3_LIMITS } from "./target.js";

const md5 = (b: Buffer) => createHash("md5").update(b).digest("hex");

describe("the identity part", () => {
  const body = identityBody("backups/a.tar", "upload-1");

  it("is a part number no plan reaches, below the ownership marker", () => {
    expect(IDENTITY_PART_NUMBER).toBe(MARKER_PART_NUMBER - 1);
    expect(S3_LIMITS.maxParts).toBeLessThan(IDENTITY_PART_NUMBER);
  });

  it("is recognised by its MD5 ETag, or by its CRC32 where the ETag is not an MD5", () => {
    expect(holdsIdentity([{ PartNumber: 1, Size: 5, ETag: '"x"' }, { PartNumber: IDENTITY_PART_NUMBER, Size: body.length, ETag: `"${md5(body)}"` }], "backups/a.tar", "upload-1")).toBe(true);
    expect(holdsIdentity([{ PartNumber: IDENTITY_PART_NUMBER, Size: body.length, ETag: '"kms-etag"', ChecksumCRC32: crc32Base64(crc32(body)) }], "backups/a.tar", "upload-1")).toBe(true);
  });

  it("is not taken from another upload, another key, another size or another part number", () => {
    const part = { PartNumber: IDENTITY_PART_NUMBER, Size: body.length, ETag: `"${md5(body)}"` };
    expect(holdsIdentity([part], "backups/a.tar", "upload-2")).toBe(false);
    expect(holdsIdentity([part], "backups/b.tar", "upload-1")).toBe(false);
    expect(holdsIdentity([{ ...part, Size: body.length + 1 }], "backups/a.tar", "upload-1")).toBe(false);
    expect(holdsIdentity([{ ...part, PartNumber: MARKER_PART_NUMBER }], "backups/a.tar", "upload-1")).toBe(false);
    expect(holdsIdentity([], "backups/a.tar", "upload-1")).toBe(false);
  });
});
