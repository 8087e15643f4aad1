import { TargetError } from "@tartape/core";
import { describe, expect, it } from "vitest";
import { parseS3Url } from "./url.js";

function rejection(url: string): TargetError {
  try {
    parseS3Url(url);
  } catch (err) {
    expect(err).toBeInstanceOf(TargetError);
    return err as TargetError;
  }
  throw new Error(`parseS3Url(${JSON.stringify(url)}) did not throw`);
}

describe("parseS3Url", () => {
  it("splits the bucket from the key at the first slash", () => {
    expect(parseS3Url("s3://backups/data.tar")).toEqual({ bucket: "backups", key: "data.tar" });
    expect(parseS3Url("s3://my.bucket-1/a/b/c.tar")).toEqual({ bucket: "my.bucket-1", key: "a/b/c.tar" });
  });

  it("takes the key as written: no percent-decoding, spaces and unicode kept", () => {
    expect(parseS3Url("s3://b-1/100%25 done/été.tar")).toEqual({ bucket: "b-1", key: "100%25 done/été.tar" });
  });

  it("accepts the scheme in any case", () => {
    expect(parseS3Url("S3://bucket/key")).toEqual({ bucket: "bucket", key: "key" });
  });

  it.each([
    ["https://bucket/key", "must start with s3://"],
    ["bucket/key", "must start with s3://"],
    ["s3://", "bucket name is missing"],
    ["s3:///key", "bucket name is missing"],
    ["s3://bucket", "object key is missing"],
    ["s3://bucket/", "object key is missing"],
    ["s3://bucket/dir/", "ends with '/'"],
    ["s3://my bucket/key", "'my bucket' is not a bucket name"],
    ["s3://ab/key", "'ab' is not a bucket name"],
    ["s3://-bucket/key", "'-bucket' is not a bucket name"],
  ])("refuses %s with TARGET_URL_INVALID (%s)", (url, why) => {
    const err = rejection(url);
    expect(err.code).toBe("TARGET_URL_INVALID");
    expect(err.message).toContain(why);
    expect(err.message).toContain("s3://bucket/path/to/object.tar");
  });

  it("refuses a key longer than 1024 bytes of UTF-8", () => {
    expect(parseS3Url(`s3://bucket/${"k".repeat(1024)}`).key).toHaveLength(1024);
    // 512 two-byte characters plus one byte: 1025 bytes.
    expect(rejection(`s3://bucket/${"é".repeat(512)}k`).message).toContain("1025 bytes");
  });
});
