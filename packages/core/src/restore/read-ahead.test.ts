import { describe, expect, it } from "vitest";
import { ReadAhead, type TakenRead } from "./read-ahead.js";
import type { TapeRead } from "./read-plan.js";

const reads = Array.from({ length: 10 }, (_, i) => ({ start: i * 10, end: i * 10 + 10 }));

/** The plan as the restore gives it: pulled a read at a time. */
async function* plan(list: readonly TapeRead[] = reads): AsyncGenerator<TapeRead> {
  yield* list;
}

async function take(ahead: ReadAhead): Promise<TakenRead> {
  const taken = await ahead.take();
  if (taken === null) throw new Error("no read left");
  return taken;
}

describe("ReadAhead", () => {
  it("hands reads over in order although they finish out of order, with at most `concurrency` outstanding", async () => {
    let outstanding = 0;
    let most = 0;
    const ahead = new ReadAhead(plan(), 3, 10, async (read, into) => {
      outstanding++;
      most = Math.max(most, outstanding);
      await new Promise((r) => setTimeout(r, (10 - read.start / 10) * 2));
      into.fill(0).write(String(read.start));
      return into;
    });
    const got: string[] = [];
    for (let i = 0; i < reads.length; i++) {
      const { data, release } = await take(ahead);
      outstanding--;
      got.push(data.toString().replace(/\0+$/, ""));
      release();
    }
    expect(got).toEqual(reads.map((r) => String(r.start)));
    expect(most).toBe(3);
  });

  it("uses only `concurrency` buffers, whatever the number of reads", async () => {
    const seen = new Set<ArrayBufferLike>();
    const ahead = new ReadAhead(plan(), 3, 16, async (_read, into) => {
      seen.add(into.buffer);
      return into;
    });
    for (let i = 0; i < reads.length; i++) (await take(ahead)).release();
    expect(seen.size).toBe(3);
  });

  it("a buffer held by the taker is never filled again: with every buffer held, take waits for a release", async () => {
    const ahead = new ReadAhead(plan(), 2, 10, async (read, into) => {
      into.fill(read.start / 10);
      return into;
    });
    const first = await take(ahead);
    const second = await take(ahead);
    let third: TakenRead | null = null;
    const taking = take(ahead).then((t) => (third = t));
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
    const ahead = new ReadAhead(plan(), 4, 10, async (read, into) => {
      await new Promise((r) => setTimeout(r, 5));
      finished++;
      if (read.start === 10) throw new Error("boom");
      return into;
    });
    (await take(ahead)).release();
    await expect(take(ahead)).rejects.toThrow("boom");
    await ahead.settle();
    expect(finished).toBe(5);
  });

  it("a read larger than its buffers fails when taken", async () => {
    const ahead = new ReadAhead(plan([{ start: 0, end: 100 }]), 1, 10, async (_r, into) => into);
    await expect(ahead.take()).rejects.toThrow(RangeError);
  });

  it("pulls the plan only as reads start, and answers null once it has no more", async () => {
    let pulled = 0;
    async function* counted(): AsyncGenerator<TapeRead> {
      for (const read of reads.slice(0, 4)) {
        pulled++;
        yield read;
      }
    }
    const ahead = new ReadAhead(counted(), 2, 10, async (_r, into) => into);
    const first = await take(ahead);
    expect(pulled).toBe(2);
    first.release();
    for (let i = 1; i < 4; i++) (await take(ahead)).release();
    expect(await ahead.take()).toBeNull();
    await ahead.settle();
  });

  it("a plan that fails (its catalog unreadable) fails the next take", async () => {
    async function* failing(): AsyncGenerator<TapeRead> {
      yield reads[0]!;
      throw new Error("catalog block damaged");
    }
    const ahead = new ReadAhead(failing(), 1, 10, async (_r, into) => into);
    (await take(ahead)).release();
    await expect(ahead.take()).rejects.toThrow("catalog block damaged");
    await ahead.settle();
  });
});
