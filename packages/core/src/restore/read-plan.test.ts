import { describe, expect, it } from "vitest";
import { MAX_GAP, planReads } from "./read-plan.js";

describe("planReads", () => {
  it("cuts a big file into reads of at most rangeSize, none crossing a multiple of it", () => {
    expect(planReads([{ start: 512, end: 512 + 2500, ordinal: 0 }], 1000)).toEqual([
      { start: 512, end: 1000 },
      { start: 1000, end: 2000 },
      { start: 2000, end: 3000 },
      { start: 3000, end: 3012 },
    ]);
  });

  it("shares a read between neighbouring small files, up to rangeSize", () => {
    const spans = [
      { start: 1024, end: 1034, ordinal: 0 },
      { start: 2048, end: 2058, ordinal: 1 },
      { start: 3072, end: 3082, ordinal: 2 },
    ];
    expect(planReads(spans, 1 << 20)).toEqual([{ start: 1024, end: 3082 }]);
    // Reads stay within [0, 2560) and [2560, 5120).
    expect(planReads(spans, 2560)).toEqual([
      { start: 1024, end: 2058 },
      { start: 3072, end: 3082 },
    ]);
    expect(planReads(spans, 1500)).toHaveLength(3);
  });

  it("never reads a file that was not chosen, nor a long gap", () => {
    expect(planReads([{ start: 1024, end: 1034, ordinal: 0 }, { start: 3072, end: 3082, ordinal: 2 }], 1 << 20)).toHaveLength(2);
    expect(planReads([{ start: 1024, end: 1034, ordinal: 0 }, { start: 1034 + MAX_GAP + 1, end: 1034 + MAX_GAP + 11, ordinal: 1 }], 1 << 20)).toHaveLength(2);
  });

  it("skips empty spans (empty files, files already restored)", () => {
    expect(planReads([{ start: 1024, end: 1024, ordinal: 0 }], 100)).toEqual([]);
  });

  it("the reads cover exactly the spans' bytes and nothing of other files", () => {
    const spans = [
      { start: 512, end: 5000, ordinal: 0 },
      { start: 5632, end: 5700, ordinal: 1 },
      { start: 6656, end: 20000, ordinal: 3 },
    ];
    const reads = planReads(spans, 4096);
    for (const span of spans) {
      for (let b = span.start; b < span.end; b += 37) expect(reads.some((r) => r.start <= b && b < r.end)).toBe(true);
    }
    for (const r of reads) expect(r.end - r.start).toBeLessThanOrEqual(4096);
    expect(reads.some((r) => r.start < 6656 && r.end > 5700)).toBe(false);
  });
});
