import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { crc32c, digestFor } from "./part-checksum.js";

describe("part checksums", () => {
  it("CRC32C of the standard check string is e3069283", () => {
    expect(crc32c(Buffer.from("123456789")).toString(16)).toBe("e3069283");
    expect(crc32c(Buffer.from("56789"), crc32c(Buffer.from("1234")))).toBe(0xe3069283);
  });

  it("gives each kind in its recorded form, fed in chunks", () => {
    const data = Buffer.from("hello, parts");
    for (const kind of ["md5", "sha256", "crc32", "crc32c"]) {
      const digest = digestFor(`${kind}:x`)!;
      digest.update(data.subarray(0, 5));
      digest.update(data.subarray(5));
      expect(digest.result().startsWith(`${kind}:`)).toBe(true);
    }
    const md5 = digestFor("md5:")!;
    md5.update(data);
    expect(md5.result()).toBe(`md5:${createHash("md5").update(data).digest("base64")}`);
    expect(digestFor("whirlpool:abc")).toBeNull();
  });
});
