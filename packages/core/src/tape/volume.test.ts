import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FileChangedError, InvalidArgumentError, OffsetOutOfRangeError } from "../errors.js";
import { record } from "../record.js";
import { collect, collectUntilError, mixedTree, tempDir } from "../test-util/fs.js";
import type { TapeEntry } from "../types.js";
import { ChunkRecycler } from "./chunk-recycler.js";
import { openTape, type Tape } from "./tape.js";
import type { Volume, VolumeStream } from "./volume.js";

let tape: Tape;
let full: Buffer;
let entries: TapeEntry[];

beforeAll(async () => {
  const root = mixedTree(tempDir());
  const indexPath = path.join(tempDir(), "i.db");
  await record(root, { indexPath });
  tape = openTape(root, { indexPath });
  full = await collect(tape.createReadStream());
  entries = [...tape.entries()];
});

afterAll(() => tape.close());

/** Reads a stream to its end with 'data' events. */
function drain(stream: VolumeStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on("data", (c: Buffer) => chunks.push(c));
    stream.on("end", () => resolve(Buffer.concat(chunks)));
    stream.on("error", reject);
    stream.resume(); // a 'data' listener does not restart a stream paused with pause()
  });
}

/** Waits until at least `n` bytes came through 'data', then pauses; returns what came. */
function readSomeThenPause(stream: VolumeStream, n: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let got = 0;
    const onData = (c: Buffer) => {
      chunks.push(c);
      got += c.length;
      if (got >= n) {
        stream.pause();
        stream.off("data", onData);
        resolve(Buffer.concat(chunks));
      }
    };
    stream.on("data", onData);
    stream.once("error", reject);
  });
}

describe("volumes(size)", () => {
  it("concatenate to the tape, for sizes around block edges and odd ones", async () => {
    for (const size of [512, 1000, 4096, 65536, 100_003, tape.totalSize - 1, tape.totalSize, tape.totalSize + 1]) {
      const volumes = tape.volumes(size);
      expect(volumes.length, `size ${size}`).toBe(Math.ceil(tape.totalSize / size));
      const parts: Buffer[] = [];
      for (const [i, v] of volumes.entries()) {
        expect(v.index).toBe(i + 1);
        expect(v.start).toBe(i * size);
        expect(v.end).toBe(Math.min((i + 1) * size, tape.totalSize));
        expect(v.size).toBe(v.end - v.start);
        const bytes = await collect(v.open());
        expect(bytes.length).toBe(v.size);
        parts.push(bytes);
      }
      expect(Buffer.concat(parts).equals(full), `size ${size}`).toBe(true);
    }
  });

  it("are named {basename}_{first 8 hex of the fingerprint}.tar.NNN", () => {
    const fp8 = tape.fingerprint.slice(0, 8);
    const volumes = tape.volumes(256);
    expect(volumes.length).toBeGreaterThan(1000);
    expect(volumes[0]?.name).toBe(`mix_${fp8}.tar.001`);
    expect(volumes[9]?.name).toBe(`mix_${fp8}.tar.010`);
    expect(volumes[99]?.name).toBe(`mix_${fp8}.tar.100`);
    expect(volumes[999]?.name).toBe(`mix_${fp8}.tar.1000`);
  });

  it("refuse a size that is not a positive whole number", () => {
    for (const bad of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) expect(() => tape.volumes(bad)).toThrow(InvalidArgumentError);
  });

  it("read large files into a recycler's buffers when given one: the same bytes, each chunk lent until given back", async () => {
    const recycler = new ChunkRecycler(64 * 1024, 8);
    for (const v of tape.volumes(300_000)) {
      const chunks: Buffer[] = [];
      for await (const chunk of v.open({ recycler, chunkSize: 64 * 1024 })) {
        const piece = chunk as Buffer;
        chunks.push(Buffer.from(piece)); // a copy: the buffer is read into again once given back
        if (recycler.lends(piece)) recycler.giveBack(piece);
      }
      expect(Buffer.concat(chunks)).toEqual(full.subarray(v.start, v.end));
    }
    expect(recycler.idle).toBeGreaterThan(0); // big.bin's chunks came from it
  });

  it("onBytes reports every byte handed out", async () => {
    const v = tape.volumes(100_000)[1] as Volume;
    let counted = 0;
    await collect(v.open({ onBytes: (n) => (counted += n) }));
    expect(counted).toBe(v.size);
  });
});

describe("manifest()", () => {
  it("lists the entries a volume touches: whole, head, body or tail, covering its bytes exactly", () => {
    const footerStart = tape.totalSize - 1024;
    const slicesSeen = new Set<string>();
    for (const size of [512, 777, 4096, 100_000]) {
      for (const v of tape.volumes(size)) {
        const items = v.manifest();
        let at = v.start;
        for (const item of items) {
          expect(item.start).toBe(at); // contiguous, in tape order
          expect(item.start).toBe(Math.max(item.entry.startOffset, v.start));
          expect(item.end).toBe(Math.min(item.entry.endOffset, v.end));
          const hasHead = item.entry.startOffset >= v.start;
          const hasTail = item.entry.endOffset <= v.end;
          expect(item.slice).toBe(hasHead && hasTail ? "whole" : hasHead ? "head" : hasTail ? "tail" : "body");
          slicesSeen.add(item.slice);
          at = item.end;
        }
        expect(at).toBe(Math.min(v.end, Math.max(footerStart, v.start)));
      }
    }
    expect([...slicesSeen].sort()).toEqual(["body", "head", "tail", "whole"]);
  });

  it("a file spread over three volumes: head, body, tail", () => {
    const big = entries.find((e) => e.arcPath.endsWith("big.bin")) as TapeEntry;
    const size = 100_000;
    const pieces = tape
      .volumes(size)
      .flatMap((v) => v.manifest().filter((i) => i.entry.arcPath === big.arcPath).map((i) => [v.index, i.slice, i.start, i.end]));
    const first = Math.floor(big.startOffset / size) + 1;
    expect(pieces[0]).toEqual([first, "head", big.startOffset, first * size]);
    expect(pieces[1]).toEqual([first + 1, "body", first * size, (first + 1) * size]);
    expect(pieces.at(-1)?.[1]).toBe("tail");
    expect(pieces.at(-1)?.[3]).toBe(big.endOffset);
  });

  it("the last volume's manifest leaves the footer out", () => {
    const last = tape.volumes(1024).at(-1) as Volume;
    expect(last.end).toBe(tape.totalSize);
    expect(last.manifest()).toEqual([]);
  });
});

describe("VolumeStream seek() and tell()", () => {
  // The whole tape in one volume: big.bin (over the 256 KiB small-file limit) is read in
  // chunkSize pieces, so a stream can be paused and seeked with most of it still unread.
  const volume = () => tape.volumes(400_000)[0] as Volume;
  const vbytes = (v: Volume) => full.subarray(v.start, v.end);

  it("tell() starts at 0 and follows what was read; ends at the volume size", async () => {
    const v = volume();
    const s = v.open({ highWaterMark: 1024, chunkSize: 1024 });
    expect(s.tell()).toBe(0);
    const some = await readSomeThenPause(s, 5000);
    expect(s.tell()).toBe(some.length);
    s.resume();
    await new Promise((r) => s.on("end", r));
    expect(s.tell()).toBe(v.size);
  });

  it("seek before reading", async () => {
    const v = volume();
    for (const offset of [0, 1, 511, 512, 12345, v.size - 1]) {
      const s = v.open();
      s.seek(offset);
      expect(s.tell()).toBe(offset);
      expect((await drain(s)).equals(vbytes(v).subarray(offset)), `offset ${offset}`).toBe(true);
    }
  });

  it("seek after reading some while paused, forward and back; nothing stale is delivered", async () => {
    const v = volume();
    for (const target of [0, 3, 40_000, 150_000, v.size - 10]) {
      const s = v.open({ highWaterMark: 4096, chunkSize: 4096 });
      const some = await readSomeThenPause(s, 20_000);
      expect(some.equals(vbytes(v).subarray(0, some.length))).toBe(true);
      // Let the stream buffer more while paused, so the seek has something to drop.
      await new Promise((r) => setTimeout(r, 20));
      s.seek(target);
      expect(s.tell()).toBe(target);
      const rest = await drain(s); // re-attaching 'data' resumes
      expect(rest.equals(vbytes(v).subarray(target)), `target ${target}`).toBe(true);
    }
  });

  it("seek with a paused 'data' listener still attached delivers nothing from before the seek", async () => {
    const v = volume();
    const s = v.open({ highWaterMark: 4096, chunkSize: 4096 });
    const received: Buffer[] = [];
    let firstBatch = 0;
    let paused = false;
    await new Promise<void>((resolve) => {
      s.on("data", (c: Buffer) => {
        received.push(c);
        firstBatch += c.length;
        if (firstBatch >= 10_000 && !paused) {
          paused = true;
          s.pause();
          resolve();
        }
      });
    });
    await new Promise((r) => setTimeout(r, 20));
    const before = Buffer.concat(received).length;
    s.seek(100_000);
    expect(Buffer.concat(received).length).toBe(before); // the seek handed out nothing
    const done = new Promise((r) => s.on("end", r));
    s.resume();
    await done;
    const all = Buffer.concat(received);
    expect(all.subarray(0, before).equals(vbytes(v).subarray(0, before))).toBe(true);
    expect(all.subarray(before).equals(vbytes(v).subarray(100_000))).toBe(true);
  });

  it("seek to the end gives an empty rest", async () => {
    const v = volume();
    const s = v.open();
    s.seek(v.size);
    expect(s.tell()).toBe(v.size);
    expect((await drain(s)).length).toBe(0);
    const t = v.open({ chunkSize: 4096, highWaterMark: 4096 });
    await readSomeThenPause(t, 1000);
    t.seek(v.size);
    expect((await drain(t)).length).toBe(0);
  });

  it("out-of-range offsets and a flowing stream are refused", async () => {
    const v = volume();
    const s = v.open();
    for (const bad of [-1, v.size + 1, 1.5, Number.NaN]) expect(() => s.seek(bad)).toThrow(OffsetOutOfRangeError);
    s.on("data", () => undefined);
    expect(() => s.seek(0)).toThrow(InvalidArgumentError);
    s.destroy();
  });

  it("after the end was delivered, seeking back is refused with a clear error", async () => {
    const v = tape.volumes(1024)[0] as Volume;
    const s = v.open();
    await drain(s);
    expect(() => s.seek(0)).toThrow(/open\(\) the volume again/);
    expect(() => s.seek(v.size)).not.toThrow();
  });

  it("reading a volume stops with FileChangedError when a file in it changed", async () => {
    const root = mixedTree(tempDir());
    const indexPath = path.join(tempDir(), "i.db");
    await record(root, { indexPath });
    const t = openTape(root, { indexPath });
    const big = [...t.entries()].find((e) => e.arcPath.endsWith("big.bin")) as TapeEntry;
    fs.appendFileSync(big.realPath, "x");
    const v = t.volumes(100_000).find((vol) => vol.start <= big.dataOffset && big.dataOffset < vol.end) as Volume;
    const { error, bytes } = await collectUntilError(v.open());
    expect(error).toBeInstanceOf(FileChangedError);
    expect(v.start + bytes.length).toBeLessThanOrEqual(big.startOffset);
    t.close();
  });
});

describe("Volume.digest", () => {
  it("hashes exactly the volume's bytes, for volumes that cut entries anywhere", async () => {
    const { createHash } = await import("node:crypto");
    for (const size of [512, 1000, 4096, 100_000, full.length]) {
      for (const volume of tape.volumes(size)) {
        const expected = createHash("md5").update(full.subarray(volume.start, volume.end)).digest("hex");
        expect((await volume.digest("md5")).toString("hex"), `volume ${volume.index} of ${size}`).toBe(expected);
      }
    }
  });

  it("stops when its signal is aborted, before reading or between chunks", async () => {
    const [volume] = tape.volumes(full.length);
    const before = new AbortController();
    before.abort(new Error("stopped before"));
    await expect(volume!.digest("md5", before.signal)).rejects.toThrow("stopped before");
    // Aborted while the first chunk is being read: the next chunk is not hashed.
    const during = new AbortController();
    const digest = volume!.digest("md5", during.signal);
    during.abort(new Error("stopped during"));
    await expect(digest).rejects.toThrow("stopped during");
  });
});
