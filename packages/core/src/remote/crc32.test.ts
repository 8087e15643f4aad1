import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { crc32, crc32Combine, crc32Hex } from "./crc32.js";

describe("crc32", () => {
  it("is the standard CRC-32 (check value of '123456789')", () => {
    expect(crc32Hex(crc32(Buffer.from("123456789")))).toBe("cbf43926");
  });

  it("combines the CRCs of consecutive pieces into the CRC of the whole, at every cut", () => {
    const data = randomBytes(3000);
    const whole = crc32(data);
    for (const cut of [0, 1, 511, 512, 1500, 2999, 3000]) {
      const a = data.subarray(0, cut);
      const b = data.subarray(cut);
      expect(crc32Combine(crc32(a), crc32(b), b.length)).toBe(whole);
    }
  });

  it("combines three pieces in order, and an order change gives another CRC", () => {
    const [a, b, c] = [randomBytes(100), randomBytes(7), randomBytes(4096)];
    const whole = crc32(Buffer.concat([a, b, c]));
    const combined = crc32Combine(crc32Combine(crc32(a), crc32(b), b.length), crc32(c), c.length);
    expect(combined).toBe(whole);
    expect(crc32Combine(crc32Combine(crc32(b), crc32(a), a.length), crc32(c), c.length)).not.toBe(whole);
  });

  it("refuses a negative length", () => {
    expect(() => crc32Combine(1, 2, -1)).toThrow(RangeError);
  });
});
