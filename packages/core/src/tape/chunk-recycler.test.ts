import zlib from "node:zlib";
import { describe, expect, it } from "vitest";
import { chunkCrc32, rememberChunkCrc32 } from "../remote/chunk-crc32.js";
import { ChunkRecycler } from "./chunk-recycler.js";

describe("ChunkRecycler", () => {
  it("lends buffers of the asked length and reads into a given-back one again", () => {
    const recycler = new ChunkRecycler(1024, 4);
    const first = recycler.take(1024);
    expect(first.length).toBe(1024);
    expect(recycler.lends(first)).toBe(true);
    first.fill(7);
    recycler.giveBack(first);
    expect(recycler.lends(first)).toBe(false);
    expect(recycler.idle).toBe(1);
    const again = recycler.take(100);
    expect(again.length).toBe(100);
    expect(again.buffer).toBe(first.buffer); // the same memory, not a fresh allocation
    expect(recycler.idle).toBe(0);
  });

  it("never lends one buffer twice at once, and allocates when none is idle", () => {
    const recycler = new ChunkRecycler(64, 4);
    const a = recycler.take(64);
    const b = recycler.take(64);
    expect(a.buffer).not.toBe(b.buffer);
    recycler.giveBack(a);
    recycler.giveBack(a); // twice: the second is ignored
    expect(recycler.idle).toBe(1);
    const c = recycler.take(64);
    const d = recycler.take(64);
    expect(new Set([b.buffer, c.buffer, d.buffer]).size).toBe(3);
  });

  it("ignores buffers it did not lend, keeps at most maxIdle, and lends larger reads nothing of its own", () => {
    const recycler = new ChunkRecycler(64, 2);
    recycler.giveBack(Buffer.alloc(64));
    expect(recycler.idle).toBe(0);
    const lent = [recycler.take(64), recycler.take(64), recycler.take(64)];
    for (const chunk of lent) recycler.giveBack(chunk);
    expect(recycler.idle).toBe(2);
    const big = recycler.take(65);
    expect(big.length).toBe(65);
    expect(recycler.lends(big)).toBe(false);
  });

  it("forgets the CRC-32 remembered for a buffer's earlier bytes when it lends it again", () => {
    const recycler = new ChunkRecycler(32, 1);
    const chunk = recycler.take(32);
    chunk.fill(1);
    rememberChunkCrc32(chunk, zlib.crc32(chunk));
    recycler.giveBack(chunk);
    const reused = recycler.take(32);
    expect(reused).toBe(chunk); // the same object: a stale CRC would be found by it
    reused.fill(2);
    expect(chunkCrc32(reused)).toBe(zlib.crc32(reused));
  });
});
