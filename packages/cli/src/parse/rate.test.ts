import { describe, expect, it } from "vitest";
import { parseRate } from "./rate.js";

const MiB = 1024 * 1024;

describe("parseRate", () => {
  it("reads sizes per second, with or without /s", () => {
    expect(parseRate("50MiB/s")).toBe(50 * MiB);
    expect(parseRate("20M")).toBe(20 * MiB);
    expect(parseRate("512 KiB / s")).toBe(512 * 1024);
    expect(parseRate("1048576")).toBe(MiB);
    expect(parseRate("1.5g/sec")).toBe(1.5 * 1024 * MiB);
  });

  it("refuses bits, zero and nonsense, naming the flag", () => {
    expect(() => parseRate("100Mbit/s", "--limit-rate")).toThrow("Invalid --limit-rate '100Mbit/s': give bytes per second");
    expect(() => parseRate("0/s", "--limit-rate")).toThrow(/more than 0 bytes/);
    expect(() => parseRate("fast", "--limit-rate")).toThrow(/Invalid --limit-rate 'fast'.*e\.g\. 50MiB\/s\.$/);
  });
});
