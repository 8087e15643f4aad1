import { describe, expect, it } from "vitest";
import { mtimeSeconds } from "./mtime.js";

const ns = (sec: number, nsec: number) => BigInt(sec) * 1_000_000_000n + BigInt(nsec);

describe("mtimeSeconds", () => {
  it("drops the fraction of ordinary times", () => {
    expect(mtimeSeconds(ns(1700000000, 0))).toBe(1700000000);
    expect(mtimeSeconds(ns(1700000000, 500000000))).toBe(1700000000);
    expect(mtimeSeconds(ns(1700000000, 999999000))).toBe(1700000000);
    expect(mtimeSeconds(ns(0, 999999999))).toBe(0);
    expect(mtimeSeconds(ns(1, 999999999))).toBe(1);
  });

  it("rounds up where tartape's float st_mtime does (int(sec + nsec * 1e-9) in Python 3)", () => {
    // Values checked with CPython: int(1700000000 + 999999999 * 1e-9) == 1700000001, and so on.
    expect(mtimeSeconds(ns(1700000000, 999999999))).toBe(1700000001);
    expect(mtimeSeconds(ns(1700000000, 999999900))).toBe(1700000001);
    expect(mtimeSeconds(ns(1700000000, 999999800))).toBe(1700000000);
    expect(mtimeSeconds(ns(8589934591, 999999999))).toBe(8589934592);
  });

  it("truncates toward zero before 1970, as int() does", () => {
    // -1.5 s is timespec (-2, 500000000): -1.5 -> -1.
    expect(mtimeSeconds(-1_500_000_000n)).toBe(-1);
    // 1 ns before the epoch: -1e-9 -> 0 (and never -0).
    expect(Object.is(mtimeSeconds(-1n), 0)).toBe(true);
    expect(mtimeSeconds(-315_360_000_000_000_000n)).toBe(-315360000);
  });
});
