import { describe, expect, it } from "vitest";
import { ReadAhead } from "./read-ahead.js";

const reads = Array.from({ length: 10 }, (_, i) => ({ start: i * 10, end: i * 10 + 10 }));

describe("ReadAhead", () => {
  it("hands reads over in order although they finish out of order, with at most `concurrency` outstanding", async () => {
    let outstanding = 0;
    let most = 0;
    const ahead = new ReadAhead(reads, 3, 10, async (read, into) => {
      outstanding++;
      most = Math.max(most, outstanding);
      await new Promise((r) => setTimeout(r, (10 - read.start / 10) * 2));
      into.fill(0).write(String(read.start));
      return into;
    });
    const got: string[] = [];
    for (let i = 0; i < reads.length; i++) {
      const { data, release } = await ahead.take();
      outstanding--;
      got.push(data.toString().replace(/\0+$/, ""));
      release();
    }
    expect(got).toEqual(reads.map((r) => String(r.start)));
    expect(most).toBe(3);
  });

  it("uses only `concurrency` buffers, whatever the number of reads", async () => {
    const seen = new Set<ArrayBufferLike>();
    const ahead = new ReadAhead(reads, 3, 16, async (_read, into) => {
      seen.add(into.buffer);
      return into;
    });
    for (let i = 0; i < reads.length; i++) (await ahead.take()).release();
    expect(seen.size).toBe(3);
  });

  it("a buffer held by the taker is never filled again: with every buffer held, take waits for a release", async () => {
    const ahead = new ReadAhead(reads, 2, 10, async (read, into) => {
      into.fill(read.start / 10);
      return into;
    });
    const first = await ahead.take();
    const second = await ahead.take();
    let third: Awaited<ReturnType<ReadAhead["take"]>> | null = null;
    const taking = ahead.take().then((t) => (third = t));
    await new Promise((r) => setTimeout(r, 20));
    expect(third).toBeNull();
    expect([first.data[0], second.data[0]]).toEqual([0, 1]);
    first.release();
    await taking;
    expect(third!.data[0]).toBe(2);
    expect(second.data[0]).toBe(1);
  });

  it("a failed read fails when taken, and settle waits for the others", async () => {
    let finished = 0;
    const ahead = new ReadAhead(reads, 4, 10, async (read, into) => {
      await new Promise((r) => setTimeout(r, 5));
      finished++;
      if (read.start === 10) throw new Error("boom");
      return into;
    });
    (await ahead.take()).release();
    await expect(ahead.take()).rejects.toThrow("boom");
    await ahead.settle();
    expect(finished).toBe(5);
  });

  it("refuses a read larger than its buffers", () => {
    expect(() => new ReadAhead([{ start: 0, end: 100 }], 1, 10, async (_r, into) => into)).toThrow(RangeError);
  });
});
