import { describe, expect, it } from "vitest";
import { parsePrefixUrl } from "./prefix-url.js";

describe("parsePrefixUrl", () => {
  it("splits the bucket or container from a prefix taken as written", () => {
    expect(parsePrefixUrl("s3://backups/daily/")).toEqual({ scheme: "s3", bucket: "backups", prefix: "daily/" });
    expect(parsePrefixUrl("gs://b/a.tar")).toEqual({ scheme: "gs", bucket: "b", prefix: "a.tar" });
    expect(parsePrefixUrl("az://container")).toEqual({ scheme: "az", bucket: "container", prefix: "" });
    expect(parsePrefixUrl("az://container/")).toEqual({ scheme: "az", bucket: "container", prefix: "" });
  });

  it.each(["s3:/b/p", "s3://", "s3:///p", "file:///tmp/x", "/tmp/x", "http://b/p", "S3://b/p"])("refuses %j with a typed error", (url) => {
    expect(() => parsePrefixUrl(url)).toThrow(expect.objectContaining({ code: "TARGET_URL_INVALID", message: expect.stringContaining("s3://bucket/prefix, az://container/prefix or gs://bucket/prefix") }));
  });
});
