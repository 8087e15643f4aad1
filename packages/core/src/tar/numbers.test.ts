import { describe, expect, it } from "vitest";
import { MAX_OCTAL_11, writeOctal, writeSize } from "./numbers.js";

const field = (width: number, write: (buf: Buffer) => void): Buffer => {
  const buf = Buffer.alloc(width + 2, 0xaa); // guard bytes show writes outside the field
  write(buf.subarray(1, width + 1));
  expect(buf[0], "byte before the field untouched").toBe(0xaa);
  expect(buf[width + 1], "byte after the field untouched").toBe(0xaa);
  return buf.subarray(1, width + 1);
};

describe("writeOctal", () => {
  it("writes zero-padded octal digits and a NUL", () => {
    expect(field(8, (b) => writeOctal(b, 0, 7, 0o755)).toString("latin1")).toBe("0000755\0");
    expect(field(8, (b) => writeOctal(b, 0, 7, 0)).toString("latin1")).toBe("0000000\0");
    expect(field(12, (b) => writeOctal(b, 0, 11, 1700000000)).toString("latin1")).toBe("14524770400\0");
    expect(field(12, (b) => writeOctal(b, 0, 11, 8589934591)).toString("latin1")).toBe("77777777777\0");
    expect(field(7, (b) => writeOctal(b, 0, 6, 0o377000)).toString("latin1")).toBe("377000\0");
  });

  it("refuses values it cannot write faithfully", () => {
    const buf = Buffer.alloc(12);
    expect(() => writeOctal(buf, 0, 11, 8589934592)).toThrow(RangeError);
    expect(() => writeOctal(buf, 0, 7, 0o10000000)).toThrow(RangeError);
    expect(() => writeOctal(buf, 0, 11, -1)).toThrow(RangeError);
    expect(() => writeOctal(buf, 0, 11, 1.5)).toThrow(RangeError);
    expect(() => writeOctal(buf, 0, 11, Number.NaN)).toThrow(RangeError);
  });

  it("MAX_OCTAL_11 is 8589934591", () => {
    expect(MAX_OCTAL_11).toBe(8589934591);
  });
});

describe("writeSize", () => {
  const size = (n: number) => field(12, (b) => writeSize(b, 0, n));

  it("uses 11 octal digits + NUL up to 8589934591", () => {
    expect(size(0).toString("latin1")).toBe("00000000000\0");
    expect(size(12).toString("latin1")).toBe("00000000014\0");
    expect(size(8589934591).toString("latin1")).toBe("77777777777\0");
  });

  it("above that: 0x80, then the size as 11 bytes big-endian", () => {
    // 8589934592 = 0x02_0000_0000
    expect(size(8589934592)).toEqual(Buffer.from([0x80, 0, 0, 0, 0, 0, 0, 0x02, 0, 0, 0, 0]));
    // 0x0102_0304_0506 = 1108152157446
    expect(size(0x010203040506)).toEqual(Buffer.from([0x80, 0, 0, 0, 0, 0, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06]));
    // 2^53 - 1 = 0x1F_FFFF_FFFF_FFFF
    expect(size(Number.MAX_SAFE_INTEGER)).toEqual(Buffer.from([0x80, 0, 0, 0, 0, 0x1f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]));
  });

  it("refuses negative, fractional and unsafe sizes", () => {
    const buf = Buffer.alloc(12);
    for (const bad of [-1, 0.5, Number.NaN, 2 ** 53, Number.POSITIVE_INFINITY]) expect(() => writeSize(buf, 0, bad)).toThrow(RangeError);
  });
});
