import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { IndexNotFoundError, NotADirectoryError, OffsetOutOfRangeError, SourceNotFoundError } from "../errors.js";
import { record } from "../record.js";
import { LARGE_SIZE, collect, mixedTree, random, tempDir, writeFile } from "../test-util/fs.js";
import type { TapeEntry, TapeEvent } from "../types.js";
import { openTape, type Tape } from "./tape.js";

let root: string;
let indexPath: string;
let tape: Tape;
let full: Buffer;
let entries: TapeEntry[];

beforeAll(async () => {
  root = mixedTree(tempDir());
  indexPath = path.join(tempDir(), "index.db");
  await record(root, { indexPath });
  tape = openTape(root, { indexPath });
  full = await collect(tape.createReadStream());
  entries = [...tape.entries()];
});

afterAll(() => tape.close());

afterEach(() => {
  vi.restoreAllMocks();
});

async function playAll(t: Tape, range: { start?: number; end?: number } = {}): Promise<TapeEvent[]> {
  const events: TapeEvent[] = [];
  for await (const ev of t.play(range)) events.push(ev);
  return events;
}

const dataOf = (events: TapeEvent[]) => Buffer.concat(events.flatMap((ev) => (ev.type === "data" ? [ev.data] : [])));
const md5 = (b: Buffer) => createHash("md5").update(b).digest("hex");

/** Offsets in every region of the tape: header, content, padding, footer, and the edges between. */
function regionOffsets(): number[] {
  const total = tape.totalSize;
  const out = new Set<number>([0, 1, total - 1024, total - 1023, total - 512, total - 1, total]);
  for (const e of entries) {
    const contentEnd = e.dataOffset + e.size;
    for (const o of [e.startOffset, e.startOffset + 1, e.startOffset + 100, e.startOffset + 511, e.startOffset + 512, e.dataOffset - 1, e.dataOffset, e.dataOffset + 1]) out.add(o);
    if (e.size > 0) for (const o of [e.dataOffset + Math.floor(e.size / 2), contentEnd - 1, contentEnd, contentEnd + 1, e.endOffset - 1]) out.add(o);
  }
  return [...out].filter((o) => o >= 0 && o <= total).sort((a, b) => a - b);
}

describe("the full tape", () => {
  it("is totalSize bytes: headers, each file's content at its dataOffset, zero padding, a zero footer", () => {
    expect(full.length).toBe(tape.totalSize);
    for (const e of entries) {
      if (e.kind === "file") {
        expect(full.subarray(e.dataOffset, e.dataOffset + e.size).equals(fs.readFileSync(e.realPath)), e.arcPath).toBe(true);
      }
      expect(full.subarray(e.dataOffset + e.size, e.endOffset).every((b) => b === 0)).toBe(true);
      expect(full.subarray(e.startOffset + 257, e.startOffset + 263).toString("latin1")).toBe("ustar\0");
    }
    expect(full.subarray(tape.totalSize - 1024).every((b) => b === 0)).toBe(true);
    expect(entries.at(-1)?.endOffset).toBe(tape.totalSize - 1024);
  });

  it("has the fixture's shapes: a PAX path, a PAX link, a large file", () => {
    const pax = entries.filter((e) => e.dataOffset - e.startOffset > 512).map((e) => path.basename(e.arcPath));
    expect(pax).toEqual(["n".repeat(120), "longlink"]);
    expect(entries.find((e) => e.arcPath.endsWith("big.bin"))?.size).toBe(LARGE_SIZE);
  });
});

describe("reading from any offset", () => {
  it("createReadStream({start}) is the same slice of the full tape, in every region", async () => {
    const offsets = regionOffsets();
    expect(offsets.length).toBeGreaterThan(80);
    for (const start of offsets) {
      const got = await collect(tape.createReadStream({ start }));
      expect(got.equals(full.subarray(start)), `start ${start}`).toBe(true);
    }
  });

  it("play({start}) emits the same bytes, in every region", async () => {
    for (const start of regionOffsets()) {
      const got = dataOf(await playAll(tape, { start }));
      expect(got.equals(full.subarray(start)), `start ${start}`).toBe(true);
    }
  });

  it("a random sweep of starts and [start, end) ranges, with small chunks too", async () => {
    const next = random(42);
    const total = tape.totalSize;
    for (let i = 0; i < 60; i++) {
      const start = Math.floor(next() * (total + 1));
      const end = start + Math.floor(next() * (total - start + 1));
      const chunkSize = [1000, 4096, 65536, 1024 * 1024][i % 4] as number;
      const got = await collect(tape.createReadStream({ start, end, chunkSize }));
      expect(got.equals(full.subarray(start, end)), `[${start}, ${end}) chunk ${chunkSize}`).toBe(true);
      const played = dataOf(await playAll(tape, { start, end }));
      expect(played.equals(full.subarray(start, end)), `play [${start}, ${end})`).toBe(true);
    }
  });

  it("empty ranges give no bytes", async () => {
    expect((await collect(tape.createReadStream({ start: 700, end: 700 }))).length).toBe(0);
    expect((await collect(tape.createReadStream({ start: tape.totalSize }))).length).toBe(0);
  });

  it("large files come in chunks of chunkSize", async () => {
    const big = entries.find((e) => e.arcPath.endsWith("big.bin")) as TapeEntry;
    const sizes: number[] = [];
    for await (const chunk of tape.bytes(big.dataOffset, big.dataOffset + big.size, 65536)) sizes.push(chunk.length);
    expect(sizes).toEqual([65536, 65536, 65536, 65536, LARGE_SIZE - 4 * 65536]);
  });
});

describe("range validation", () => {
  const bad: Array<[string, { start?: number; end?: number }]> = [
    ["negative start", { start: -1 }],
    ["start past the end", { start: 1e12 }],
    ["start one past the end", { start: Number.NaN }],
    ["fractional start", { start: 1.5 }],
    ["negative end", { end: -1 }],
    ["end before start", { start: 1000, end: 999 }],
    ["end past the end", { end: 1e12 }],
    ["fractional end", { end: 10.25 }],
  ];
  for (const [name, range] of bad) {
    it(`${name}: OffsetOutOfRangeError`, async () => {
      expect(() => tape.createReadStream(range)).toThrow(OffsetOutOfRangeError);
      await expect(playAll(tape, range)).rejects.toBeInstanceOf(OffsetOutOfRangeError);
    });
  }

  it("start = totalSize + 1 is refused, start = totalSize is not", async () => {
    expect(() => tape.createReadStream({ start: tape.totalSize + 1 })).toThrow(OffsetOutOfRangeError);
    expect(() => tape.createReadStream({ start: tape.totalSize })).not.toThrow();
    expect(() => tape.entryAt(-1)).toThrow(OffsetOutOfRangeError);
  });

  it("the error says what a valid offset is", () => {
    try {
      tape.createReadStream({ start: -5 });
    } catch (err) {
      expect((err as OffsetOutOfRangeError).code).toBe("OFFSET_OUT_OF_RANGE");
      expect((err as Error).message).toContain(`from 0 to ${tape.totalSize}`);
    }
  });
});

describe("resuming does not touch what ends before the start", () => {
  it("reads from a later offset after every earlier file was deleted", async () => {
    const dir = mixedTree(tempDir());
    const idx = path.join(tempDir(), "i.db");
    await record(dir, { indexPath: idx });
    const t = openTape(dir, { indexPath: idx });
    const all = await collect(t.createReadStream());
    const list = [...t.entries()];
    const target = list.find((e) => e.arcPath.endsWith("z/last")) as TapeEntry;
    // Inside the header of the last file: every other file ends before it.
    const start = target.startOffset + 7;
    for (const e of list) if (e.kind === "file" && e.endOffset <= start) fs.rmSync(e.realPath);
    expect(fs.existsSync(path.join(dir, "big.bin"))).toBe(false);
    expect((await collect(t.createReadStream({ start }))).equals(all.subarray(start))).toBe(true);
    expect(dataOf(await playAll(t, { start })).equals(all.subarray(start))).toBe(true);
    // ...while a start inside a deleted file fails.
    const big = list.find((e) => e.arcPath.endsWith("big.bin")) as TapeEntry;
    await expect(collect(t.createReadStream({ start: big.dataOffset + 1 }))).rejects.toMatchObject({ code: "FILE_CHANGED" });
    t.close();
  });

  it("opens only the files that end after the start", async () => {
    const opened: string[] = [];
    const openSync = fs.openSync;
    const open = fs.promises.open;
    const lstatSync = fs.lstatSync;
    vi.spyOn(fs, "openSync").mockImplementation(((p: fs.PathLike, ...rest: unknown[]) => {
      opened.push(String(p));
      return (openSync as (...a: unknown[]) => number)(p, ...rest);
    }) as typeof fs.openSync);
    vi.spyOn(fs.promises, "open").mockImplementation(((p: fs.PathLike, ...rest: unknown[]) => {
      opened.push(String(p));
      return (open as (...a: unknown[]) => Promise<fs.promises.FileHandle>)(p, ...rest);
    }) as typeof fs.promises.open);
    vi.spyOn(fs, "lstatSync").mockImplementation(((p: fs.PathLike, ...rest: unknown[]) => {
      opened.push(String(p));
      return (lstatSync as (...a: unknown[]) => fs.Stats)(p, ...rest);
    }) as typeof fs.lstatSync);
    for (const start of [0, ...regionOffsets().filter((_, i) => i % 7 === 0)]) {
      opened.length = 0;
      await collect(tape.createReadStream({ start }));
      const touched = new Set(opened.filter((p) => p.startsWith(root)));
      const expected = new Set(entries.filter((e) => e.kind === "file" && e.endOffset > start && e.dataOffset + e.size > start).map((e) => e.realPath));
      // The index database may be opened too; only source files are counted.
      expect([...touched].sort(), `start ${start}`).toEqual([...expected].sort());
    }
  });
});

describe("play() events", () => {
  it("a whole play: fileStart (not resumed), data, fileEnd (MD5 of files), then tapeCompleted", async () => {
    const events = await playAll(tape);
    const last = events.at(-1);
    expect(last).toEqual({ type: "tapeCompleted", totalSize: tape.totalSize });
    const starts = events.filter((e) => e.type === "fileStart");
    const ends = events.filter((e) => e.type === "fileEnd");
    expect(starts.map((e) => e.entry.arcPath)).toEqual(entries.map((e) => e.arcPath));
    expect(ends.map((e) => e.entry.arcPath)).toEqual(entries.map((e) => e.arcPath));
    for (const s of starts) expect(s.resumed).toBe(false);
    for (const e of ends) {
      expect(e.endOffset).toBe(e.entry.endOffset);
      if (e.entry.kind === "file") expect(e.md5).toBe(md5(fs.readFileSync(e.entry.realPath)));
      else expect(e.md5).toBeNull();
    }
  });

  it("each fileStart comes right before its entry's first byte, each fileEnd right after its last", async () => {
    const start = 1000;
    let position = start;
    for await (const ev of tape.play({ start })) {
      if (ev.type === "data") position += ev.data.length;
      else if (ev.type === "fileStart") expect(position).toBe(Math.max(ev.entry.startOffset, start));
      else if (ev.type === "fileEnd") expect(position).toBe(ev.entry.endOffset);
      else expect(position).toBe(tape.totalSize);
    }
  });

  it("resumed inside a file's content: resumed true, no MD5 for it; later files get theirs", async () => {
    const big = entries.find((e) => e.arcPath.endsWith("big.bin")) as TapeEntry;
    const events = await playAll(tape, { start: big.dataOffset + 10 });
    const first = events[0];
    expect(first).toMatchObject({ type: "fileStart", resumed: true, startOffset: big.startOffset });
    expect(first?.type === "fileStart" && first.entry.arcPath).toBe(big.arcPath);
    const ends = events.filter((e) => e.type === "fileEnd");
    expect(ends[0]?.entry.arcPath).toBe(big.arcPath);
    expect(ends[0]?.md5).toBeNull();
    const later = ends.find((e) => e.entry.kind === "file" && e.entry.arcPath !== big.arcPath);
    expect(later?.md5).toBe(md5(fs.readFileSync(later?.entry.realPath as string)));
    const starts = events.filter((e) => e.type === "fileStart");
    expect(starts.slice(1).every((s) => !s.resumed)).toBe(true);
  });

  it("resumed inside a header: resumed true, and the MD5 is given since the whole content was read", async () => {
    const f = entries.find((e) => e.arcPath.endsWith("a/b513")) as TapeEntry;
    const events = await playAll(tape, { start: f.startOffset + 100 });
    expect(events[0]).toMatchObject({ type: "fileStart", resumed: true });
    const end = events.find((e) => e.type === "fileEnd");
    expect(end?.md5).toBe(md5(fs.readFileSync(f.realPath)));
  });

  it("a range that stops inside an entry: no fileEnd for it, no tapeCompleted", async () => {
    const f = entries.find((e) => e.arcPath.endsWith("a/b513")) as TapeEntry;
    const events = await playAll(tape, { start: 0, end: f.dataOffset + 3 });
    expect(events.at(-1)?.type).toBe("data");
    expect(events.filter((e) => e.type === "fileStart").at(-1)?.entry.arcPath).toBe(f.arcPath);
    expect(events.some((e) => e.type === "fileEnd" && e.entry.arcPath === f.arcPath)).toBe(false);
    expect(events.some((e) => e.type === "tapeCompleted")).toBe(false);
  });

  it("from the footer or the very end: only the rest of the footer, then tapeCompleted", async () => {
    const fromFooter = await playAll(tape, { start: tape.totalSize - 10 });
    expect(fromFooter.map((e) => e.type)).toEqual(["data", "tapeCompleted"]);
    expect(dataOf(fromFooter)).toEqual(Buffer.alloc(10));
    expect((await playAll(tape, { start: tape.totalSize })).map((e) => e.type)).toEqual(["tapeCompleted"]);
  });

  it("stores the MD5 of files read whole in the index", async () => {
    const dir = mixedTree(tempDir());
    const idx = path.join(tempDir(), "i.db");
    await record(dir, { indexPath: idx });
    const t = openTape(dir, { indexPath: idx });
    expect([...t.entries()].every((e) => e.md5 === null)).toBe(true);
    await playAll(t);
    for (const e of t.entries()) {
      if (e.kind === "file") expect(e.md5).toBe(md5(fs.readFileSync(e.realPath)));
      else expect(e.md5).toBeNull();
    }
    t.close();
  });
});

describe("entries and entryAt", () => {
  it("entryAt finds the entry holding any byte, undefined in the footer", () => {
    for (const e of entries) {
      for (const o of [e.startOffset, Math.min(e.dataOffset, e.endOffset - 1), e.endOffset - 1]) expect(tape.entryAt(o)?.arcPath, `offset ${o}`).toBe(e.arcPath);
    }
    expect(tape.entryAt(tape.totalSize - 1024)).toBeUndefined();
    expect(tape.entryAt(tape.totalSize)).toBeUndefined();
  });

  it("entries({start, end}) gives the entries a range touches, in order", () => {
    const a = entries[3] as TapeEntry;
    const b = entries[6] as TapeEntry;
    const got = [...tape.entries({ start: a.startOffset + 1, end: b.startOffset + 1 })].map((e) => e.arcPath);
    expect(got).toEqual(entries.slice(3, 7).map((e) => e.arcPath));
    expect([...tape.entries({ start: b.startOffset, end: b.startOffset })]).toEqual([]);
  });
});

describe("openTape", () => {
  it("fails clearly without a directory or an index", () => {
    const dir = tempDir();
    expect(() => openTape(path.join(dir, "missing"))).toThrow(SourceNotFoundError);
    expect(() => openTape(writeFile(path.join(dir, "f"), "x"))).toThrow(NotADirectoryError);
    expect(() => openTape(dir)).toThrow(IndexNotFoundError);
  });

  it("exposes the recorded facts and the volume stem", () => {
    expect(tape.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(tape.entryCount).toBe(entries.length);
    expect(tape.tapeName).toBe(`mix_${tape.fingerprint.slice(0, 8)}`);
  });

  it("reads a directory moved since it was recorded from where it is now: same tape, entries pointing there", async () => {
    const before = tempDir();
    const dir = mixedTree(before);
    await record(dir);
    const original = openTape(dir);
    const bytes = await collect(original.createReadStream());
    original.close();

    const after = `${before}-moved`;
    fs.renameSync(before, after);
    const movedDir = path.join(after, path.basename(dir));
    const moved = openTape(movedDir);
    try {
      const realRoot = fs.realpathSync(movedDir);
      expect([...moved.entries()].every((e) => e.realPath === realRoot || e.realPath.startsWith(`${realRoot}/`))).toBe(true);
      expect((await collect(moved.createReadStream())).equals(bytes)).toBe(true);
      expect((await moved.verify({ deep: true })).differences).toEqual([]);
      // The files read are the ones at the new place: a change there is caught.
      const victim = [...moved.entries()].find((e) => e.kind === "file" && e.size > 0)!;
      fs.appendFileSync(victim.realPath, "more");
      await expect(collect(moved.createReadStream())).rejects.toThrow(victim.realPath);
    } finally {
      moved.close();
      fs.rmSync(after, { recursive: true, force: true });
    }
  });
});
