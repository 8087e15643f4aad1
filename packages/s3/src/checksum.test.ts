import { InvalidArgumentError } from "@tartape/core";
import { describe, expect, it } from "vitest";
import { checksumOfKind, compositeCrc32, crc32, crc32Base64, parseS3Checksum, receiptChecksum } from "./checksum.js";

describe("S3 checksums", () => {
  it("computes CRC32 as S3 writes it: the standard check value of '123456789' is 0xCBF43926", () => {
    expect(crc32(Buffer.from("123456789"))).toBe(0xcbf43926);
    expect(crc32Base64(0xcbf43926)).toBe(Buffer.from([0xcb, 0xf4, 0x39, 0x26]).toString("base64"));
    // Continued over pieces, as a stream computes it.
    expect(crc32(Buffer.from("6789"), crc32(Buffer.from("12345")))).toBe(0xcbf43926);
  });

  it("makes the composite checksum of a multipart object: CRC32 of the parts' 4-byte CRC32s, then -N", () => {
    const parts = [Buffer.from("first part"), Buffer.from("second"), Buffer.from("3")];
    const partCrcs = parts.map((p) => crc32Base64(crc32(p)));
    const raw = Buffer.concat(partCrcs.map((c) => Buffer.from(c, "base64")));
    expect(raw.length).toBe(12);
    expect(compositeCrc32(partCrcs)).toBe(`${crc32Base64(crc32(raw))}-3`);
    expect(compositeCrc32(partCrcs.slice(0, 1))).toBe(`${crc32Base64(crc32(raw.subarray(0, 4)))}-1`);
    expect(() => compositeCrc32(["not-a-crc"])).toThrow(/8 base64 characters/);
  });

  it("keeps the kind with the value in a receipt, and reads back only the kind asked for", () => {
    expect(receiptChecksum("crc32", "y/Q5Jg==")).toBe("crc32:y/Q5Jg==");
    expect(checksumOfKind("crc32:y/Q5Jg==", "crc32")).toBe("y/Q5Jg==");
    expect(checksumOfKind("md5:1B2M2Y8AsgTpgAmY7PhCfg==", "crc32")).toBeNull();
  });

  it("parses a kind given as text, or says what is accepted", () => {
    expect(parseS3Checksum("CRC32")).toBe("crc32");
    expect(parseS3Checksum("md5")).toBe("md5");
    expect(() => parseS3Checksum("sha256", "--checksum")).toThrow(InvalidArgumentError);
    expect(() => parseS3Checksum("sha256", "--checksum")).toThrow('--checksum must be md5 or crc32, not "sha256".');
  });
});
