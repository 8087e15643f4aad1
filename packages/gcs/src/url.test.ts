import { TargetError } from "@tartape/core";
import { describe, expect, it } from "vitest";
import { checkGcsLocation, MAX_KEY_BYTES, parseGcsUrl } from "./url.js";

function refusal(url: string): TargetError {
  try {
    parseGcsUrl(url);
  } catch (err) {
    expect(err).toBeInstanceOf(TargetError);
    return err as TargetError;
  }
  throw new Error(`${url} was accepted`);
}

describe("parseGcsUrl", () => {
  it("splits bucket and key", () => {
    expect(parseGcsUrl("gs://my-bucket/backups/2024/data.tar")).toEqual({ bucket: "my-bucket", key: "backups/2024/data.tar" });
    expect(parseGcsUrl("GS://b_1.example.com/k")).toEqual({ bucket: "b_1.example.com", key: "k" });
  });

  it("keeps the key as written: spaces, percent signs, unicode", () => {
    expect(parseGcsUrl("gs://bucket/a b/100%/naïve.tar").key).toBe("a b/100%/naïve.tar");
  });

  it.each([
    ["s3://bucket/key", "must start with gs://"],
    ["gs:/bucket/key", "must start with gs://"],
    ["gs://", "bucket name is missing"],
    ["gs:///key", "bucket name is missing"],
    ["gs://bucket", "object key is missing"],
    ["gs://bucket/", "object key is missing"],
    ["gs://bucket/dir/", "ends with '/'"],
    ["gs://[unclosed/key", "'[unclosed' is not a bucket name"],
    ["gs://My-Bucket/key", "is not a bucket name"],
    ["gs://ab/key", "is not a bucket name"],
    ["gs://-bucket/key", "is not a bucket name"],
    ["gs://" + "a".repeat(64) + "/key", "at most 63"],
    ["gs://" + "a".repeat(64) + ".com/key", "1 to 63 characters"],
    ["gs://a..b/key", "1 to 63 characters"],
    ["gs://bucket/a\nb", "line break"],
    ["gs://bucket/..", "cannot be an object name"],
    ["gs://bucket/.well-known/acme-challenge/x", "reserves"],
  ])("%s → TARGET_URL_INVALID (%s)", (url, why) => {
    const err = refusal(url);
    expect(err.code).toBe("TARGET_URL_INVALID");
    expect(err.message).toContain(why);
    expect(err.message).toContain("gs://bucket/path/to/object.tar");
  });

  it("leaves room in the 1024-byte name limit for the temporary names", () => {
    expect(parseGcsUrl(`gs://bucket/${"k".repeat(MAX_KEY_BYTES)}`).key).toHaveLength(MAX_KEY_BYTES);
    const err = refusal(`gs://bucket/${"k".repeat(MAX_KEY_BYTES + 1)}`);
    expect(err.message).toContain(`at most ${MAX_KEY_BYTES}`);
  });

  it("checks a location given as parts the same way", () => {
    expect(() => checkGcsLocation({ bucket: "bucket", key: "" })).toThrow(/object key is missing/);
    expect(() => checkGcsLocation({ bucket: "bucket", key: "ok.tar" })).not.toThrow();
  });
});
