import { describe, expect, it } from "vitest";
import { checkS3ObjectOptions, createUploadInput, identityOptions, sseCustomerInput } from "./object-options.js";

const KEY = Buffer.alloc(32, 9);

describe("S3 object options", () => {
  it("become CreateMultipartUpload fields: tags URL-encoded and sorted, content type defaulting to a tar's", () => {
    expect(createUploadInput({})).toEqual({ ContentType: "application/x-tar" });
    expect(
      createUploadInput({ storageClass: "STANDARD_IA", tags: { team: "data ops", a: "1&2" }, contentType: "application/octet-stream", serverSideEncryption: "aws:kms", sseKmsKeyId: "alias/backups" }),
    ).toEqual({ ContentType: "application/octet-stream", StorageClass: "STANDARD_IA", Tagging: "a=1%262&team=data%20ops", ServerSideEncryption: "aws:kms", SSEKMSKeyId: "alias/backups" });
    expect(createUploadInput({ sseCustomerKey: KEY })).toMatchObject({ SSECustomerAlgorithm: "AES256", SSECustomerKey: KEY.toString("base64") });
  });

  it("take an SSE-C key as bytes or base64, and nothing without one", () => {
    expect(sseCustomerInput({})).toEqual({});
    expect(sseCustomerInput({ sseCustomerKey: KEY.toString("base64") })).toEqual(sseCustomerInput({ sseCustomerKey: KEY }));
  });

  it("are named in the upload's identity by flag, the customer key only by its MD5", () => {
    const named = identityOptions({ storageClass: "GLACIER_IR", metadata: { b: "2", a: "x y" }, tags: { t: "1" }, contentType: "x/y", serverSideEncryption: "AES256", sseCustomerKey: undefined });
    expect(named).toEqual({ storageClass: "GLACIER_IR", metadata: "a=x%20y&b=2", tag: "t=1", contentType: "x/y", sse: "AES256" });
    const withKey = identityOptions({ sseCustomerKey: KEY });
    expect(withKey.sseCustomerKey).toMatch(/^MD5 [A-Za-z0-9+/]{22}==$/);
    expect(JSON.stringify(withKey)).not.toContain(KEY.toString("base64"));
    expect(identityOptions({})).toEqual({});
  });

  it("refuses what S3 would refuse, or what would defeat a check, in option words", () => {
    const refusals: Array<[Parameters<typeof checkS3ObjectOptions>[0], string, RegExp]> = [
      [{ storageClass: "glacier" }, "crc32", /not an S3 storage class for the storageClass option/],
      [{ metadata: { "tartape-fingerprint": "x" } }, "crc32", /starts with "tartape-"/],
      [{ metadata: { "bad key": "x" } }, "crc32", /not a valid HTTP header name/],
      [{ tags: Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, "v"])) }, "crc32", /at most 10 tags/],
      [{ serverSideEncryption: "aes" as "AES256" }, "crc32", /not a server-side encryption S3 knows/],
      [{ sseKmsKeyId: "k" }, "crc32", /only SSE-KMS uses: give the serverSideEncryption option aws:kms/],
      [{ sseCustomerKey: KEY, serverSideEncryption: "AES256" }, "crc32", /cannot go with the serverSideEncryption option/],
      [{ sseCustomerKey: Buffer.alloc(16) }, "crc32", /256-bit key.*16 bytes/],
      [{ serverSideEncryption: "aws:kms" }, "md5", /ETags are not MD5s/],
      [{ sseCustomerKey: KEY }, "md5", /ETags are not MD5s/],
    ];
    for (const [options, checksum, message] of refusals) {
      expect(() => checkS3ObjectOptions(options, checksum as "crc32" | "md5"), JSON.stringify(options)).toThrow(message);
    }
    expect(() => checkS3ObjectOptions({ serverSideEncryption: "AES256" }, "md5")).not.toThrow();
    expect(() => checkS3ObjectOptions({ serverSideEncryption: "aws:kms", sseKmsKeyId: "alias/k", storageClass: "DEEP_ARCHIVE" }, "crc32")).not.toThrow();
  });
});
