import { describe, expect, it } from "vitest";
import { multipartEtag, unquoteEtag } from "./etag.js";

describe("multipartEtag", () => {
  it("is the MD5 of the binary part MD5s, then -<part count> (values computed with md5sum)", () => {
    // md5("a"), md5("b"); md5 of their 32 concatenated bytes = 96e024ba…
    expect(multipartEtag(["0cc175b9c0f1b6a831c399e269772661", "92eb5ffee6ae2fec3ad71c777531578f"])).toBe("96e024ba2074fe77e8e965ba43a704be-2");
  });

  it("matches what MinIO returned for 6 MiB of zeros then 1 KiB of zeros", () => {
    expect(multipartEtag(["da6a0d097e307ac52ed9b4ad551801fc", "0f343b0931126a20f133d67c2b018a3b"])).toBe("1f1736101c98013f2e56f862419fa483-2");
  });

  it("hashes even a single part again (a one-part multipart object does not get the part's own ETag)", () => {
    expect(multipartEtag(["0cc175b9c0f1b6a831c399e269772661"])).toBe("b6ff9a06b7e20bcb2858c5b8ff744aea-1");
  });

  it("refuses an ETag that is not a hex MD5 rather than hashing garbage", () => {
    expect(() => multipartEtag(["not-an-md5"])).toThrow(TypeError);
    expect(() => multipartEtag(['"0cc175b9c0f1b6a831c399e269772661"'])).toThrow(/32 lowercase hex digits/);
  });
});

describe("unquoteEtag", () => {
  it("strips the double quotes S3 puts around ETags, and only those", () => {
    expect(unquoteEtag('"0cc175b9c0f1b6a831c399e269772661"')).toBe("0cc175b9c0f1b6a831c399e269772661");
    expect(unquoteEtag("0cc175b9c0f1b6a831c399e269772661")).toBe("0cc175b9c0f1b6a831c399e269772661");
    expect(unquoteEtag('"')).toBe('"');
    expect(unquoteEtag("")).toBe("");
  });
});
