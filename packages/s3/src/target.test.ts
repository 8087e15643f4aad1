import { S3Client } from "@aws-sdk/client-s3";
import { TargetError } from "@tartape/core";
import { describe, expect, it } from "vitest";
import { S3_LIMITS, s3Target } from "./target.js";

const MiB = 1024 * 1024;
const credentials = { accessKeyId: "id", secretAccessKey: "secret" };

describe("s3Target", () => {
  it("is identified by its bucket and key", () => {
    expect(s3Target({ bucket: "backups", key: "home/data.tar", region: "eu-west-1", credentials }).id).toBe("s3://backups/home/data.tar");
  });

  it("adds a custom endpoint's host to the id, so two servers never share upload state", () => {
    const a = s3Target({ bucket: "b-1", key: "k", endpoint: "http://127.0.0.1:9000", credentials });
    const b = s3Target({ bucket: "b-1", key: "k", endpoint: "http://127.0.0.1:9001", credentials });
    expect(a.id).toBe("s3://b-1/k?endpoint=127.0.0.1:9000");
    expect(b.id).not.toBe(a.id);
    // The scheme does not make another server.
    expect(s3Target({ bucket: "b-1", key: "k", endpoint: "https://127.0.0.1:9000", credentials }).id).toBe(a.id);
  });

  it("keeps an upload with CRC32 parts apart from one with Content-MD5 parts: S3 wants one kind per upload", () => {
    const crc = s3Target({ bucket: "b-1", key: "k", endpoint: "http://127.0.0.1:9000", credentials });
    const md5 = s3Target({ bucket: "b-1", key: "k", endpoint: "http://127.0.0.1:9000", credentials, checksum: "md5" });
    expect(crc.checksum).toBe("crc32");
    expect(s3Target({ bucket: "b-1", key: "k", endpoint: "http://127.0.0.1:9000", credentials, checksum: "crc32" }).id).toBe(crc.id);
    expect(md5.id).toBe("s3://b-1/k?endpoint=127.0.0.1:9000&checksum=md5");
    expect(s3Target({ bucket: "b-1", key: "k", region: "eu-west-1", credentials, checksum: "md5" }).id).toBe("s3://b-1/k?checksum=md5");
    expect(() => s3Target({ bucket: "b-1", key: "k", credentials, checksum: "sha1" as never })).toThrow(/checksum must be md5 or crc32, not "sha1"/);
  });

  it("has S3's limits: parts of 5 MiB to 5 GiB, at most 10,000", () => {
    expect(S3_LIMITS).toEqual({ minPartSize: 5 * MiB, maxPartSize: 5 * 1024 * MiB, maxParts: 9_998 });
    const t = s3Target({ bucket: "b-1", key: "k", region: "us-east-1", credentials, partSize: 8 * MiB, limits: { maxParts: 2 } });
    expect(t.limits).toEqual({ ...S3_LIMITS, maxParts: 2 });
    expect(t.partSize).toBe(8 * MiB);
  });

  it("uses a caller's client as is", () => {
    const client = new S3Client({ region: "us-east-1", credentials });
    expect(s3Target({ bucket: "b-1", key: "k", client }).client).toBe(client);
  });

  it.each([
    [{ bucket: "b", key: "k" }, "'b' is not a bucket name"],
    [{ bucket: "bucket", key: "" }, "object key is missing"],
    [{ bucket: "bucket", key: "k", endpoint: "127.0.0.1:9000" }, "is not a URL"],
  ])("refuses %j with TARGET_URL_INVALID", (options, why) => {
    let caught: unknown;
    try {
      s3Target({ ...options, credentials });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(TargetError);
    expect((caught as TargetError).code).toBe("TARGET_URL_INVALID");
    expect((caught as TargetError).message).toContain(why);
  });
});
