import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { ByteCounter } from "./byte-counter.js";

describe("ByteCounter", () => {
  it("hands every byte on unchanged while counting them", async () => {
    const chunks = [Buffer.from("hello "), Buffer.alloc(70_000, 7), Buffer.from("world")];
    const counting = new ByteCounter();
    const out: Buffer[] = [];
    for await (const chunk of Readable.from(chunks).pipe(counting)) out.push(chunk as Buffer);
    const all = Buffer.concat(chunks);
    expect(Buffer.concat(out).equals(all)).toBe(true);
    expect(counting.bytes).toBe(all.length);
  });
});
