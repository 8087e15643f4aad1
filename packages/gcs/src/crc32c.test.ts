import { randomBytes } from "node:crypto";
import { CRC32C } from "@google-cloud/storage";
import { describe, expect, it } from "vitest";
import { concatChecksums, crc32c, crc32cCombine, crc32cFromBase64, crc32cToBase64 } from "./crc32c.js";

/** The reference: the byte-at-a-time implementation inside @google-cloud/storage. */
function referenceCrc(data: Buffer): number {
  const crc = new CRC32C();
  crc.update(data);
  return crc.valueOf() >>> 0;
}

describe("crc32c", () => {
  it("matches the published check values", () => {
    expect(crc32c(Buffer.from("123456789"))).toBe(0xe3069283);
    expect(crc32c(Buffer.alloc(0))).toBe(0);
    expect(crc32c(Buffer.alloc(32, 0))).toBe(0x8a9136aa);
    expect(crc32c(Buffer.alloc(32, 0xff))).toBe(0x62a8ab43);
  });

  it("agrees with @google-cloud/storage's implementation at every length around the 8-byte stride", () => {
    const data = randomBytes(300);
    for (let n = 0; n <= data.length; n++) expect(crc32c(data.subarray(0, n)), `length ${n}`).toBe(referenceCrc(data.subarray(0, n)));
  });

  it("continues across chunks exactly as over the whole", () => {
    const data = randomBytes(100_003);
    let crc = 0;
    for (let start = 0; start < data.length; start += 7919) crc = crc32c(data.subarray(start, start + 7919), crc);
    expect(crc).toBe(crc32c(data));
  });

  it("writes GCS's base64 form (big-endian) and reads it back", () => {
    // "hello world": what fake-gcs-server and GCS report for it.
    expect(crc32cToBase64(crc32c(Buffer.from("hello world")))).toBe("yZRlqg==");
    expect(crc32cFromBase64("yZRlqg==")).toBe(crc32c(Buffer.from("hello world")));
    expect(crc32cFromBase64("not base64")).toBeUndefined();
    expect(crc32cFromBase64(undefined)).toBeUndefined();
  });
});

describe("crc32cCombine", () => {
  it("gives the CRC of the concatenation, for every split of random data", () => {
    const data = randomBytes(257);
    const whole = crc32c(data);
    for (let split = 0; split <= data.length; split++) {
      const a = data.subarray(0, split);
      const b = data.subarray(split);
      expect(crc32cCombine(crc32c(a), crc32c(b), b.length), `split at ${split}`).toBe(whole);
    }
  });

  it("combines many parts of uneven sizes, as a composed object", () => {
    const sizes = [1, 4096, 0, 65_537, 3, 1_000_000, 511];
    const parts = sizes.map((n) => randomBytes(n));
    const combined = concatChecksums(parts.map((p) => ({ crc32c: crc32c(p), size: p.length })));
    expect(combined).toEqual({ crc32c: crc32c(Buffer.concat(parts)), size: sizes.reduce((a, b) => a + b, 0) });
  });

  it("combines nested groups the same as flat (a compose tree)", () => {
    const parts = Array.from({ length: 40 }, (_, i) => randomBytes(100 + i * 37));
    const pieces = parts.map((p) => ({ crc32c: crc32c(p), size: p.length }));
    const nested = concatChecksums([concatChecksums(pieces.slice(0, 32)), concatChecksums(pieces.slice(32))]);
    expect(nested).toEqual(concatChecksums(pieces));
  });

  it("handles lengths beyond 2^32 (parts up to 5 TiB): appending zeros, checked against doubling", () => {
    // crc(A ‖ zeros(2n)) = combine(combine(crcA, crc(zeros n), n), crc(zeros n), n), with crc(zeros n) itself by combine.
    const a = crc32c(Buffer.from("tartape"));
    const zeros = Buffer.alloc(1 << 20);
    let zerosCrc = crc32c(zeros);
    let length = zeros.length;
    let viaDoubling = crc32cCombine(a, zerosCrc, length);
    while (length < 2 ** 42) {
      viaDoubling = crc32cCombine(viaDoubling, zerosCrc, length);
      zerosCrc = crc32cCombine(zerosCrc, zerosCrc, length);
      length *= 2;
    }
    expect(crc32cCombine(a, zerosCrc, length)).toBe(viaDoubling);
  });

  it("refuses a length that is not a whole number of bytes", () => {
    expect(() => crc32cCombine(0, 0, -1)).toThrow(RangeError);
    expect(() => crc32cCombine(0, 0, 1.5)).toThrow(RangeError);
  });
});
