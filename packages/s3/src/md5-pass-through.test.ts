import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { Md5PassThrough } from "./md5-pass-through.js";

describe("Md5PassThrough", () => {
  it("hands every byte on unchanged while hashing and counting them", async () => {
    const chunks = [Buffer.from("hello "), Buffer.alloc(70_000, 7), Buffer.from("world")];
    const hashing = new Md5PassThrough();
    const out: Buffer[] = [];
    for await (const chunk of Readable.from(chunks).pipe(hashing)) out.push(chunk as Buffer);
    const all = Buffer.concat(chunks);
    expect(Buffer.concat(out).equals(all)).toBe(true);
    expect(hashing.bytes).toBe(all.length);
    expect(hashing.digest().toString("hex")).toBe(createHash("md5").update(all).digest("hex"));
    // Asking twice gives the same answer instead of throwing (a Hash can be digested once).
    expect(hashing.digest().toString("hex")).toBe(createHash("md5").update(all).digest("hex"));
  });
});
