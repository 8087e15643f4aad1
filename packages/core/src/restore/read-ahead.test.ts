import { describe, expect, it } from "vitest";
import { ReadAhead } from "./read-ahead.js";

const reads = Array.from({ length: 10 }, (_, i) => ({ start: i * 10, end: i * 10 + 10 }));

describe("ReadAhead", () => {
  it("hands reads over in order although they finish out of order, with at most `concurrency` outstanding", async () => {
    let outstanding = 0;
    let most = 0;
    const ahead = new ReadAhead(reads, 3, async (read) => {
      outstanding++;
      most = Math.max(most, outstanding);
      await new Promise((r) => setTimeout(r, (10 - read.start / 10) * 2));
      return Buffer.from(String(read.start));
    });
    const got: string[] = [];
    for (let i = 0; i < reads.length; i++) {
      const { data } = await ahead.take();
      outstanding--;
      got.push(data.toString());
    }
    expect(got).toEqual(reads.map((r) => String(r.start)));
    expect(most).toBe(3);
  });

  it("a failed read fails when taken, and settle waits for the others", async () => {
    let finished = 0;
    const ahead = new ReadAhead(reads, 4, async (read) => {
      await new Promise((r) => setTimeout(r, 5));
      finished++;
      if (read.start === 10) throw new Error("boom");
      return Buffer.alloc(0);
    });
    await ahead.take();
    await expect(ahead.take()).rejects.toThrow("boom");
    await ahead.settle();
    expect(finished).toBe(5);
  });
});
