import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { IndexExistsError, IndexIncompatibleError, IndexNotFoundError } from "../errors.js";
import { random, tempDir } from "../test-util/fs.js";
import { BackgroundEntryWriter } from "./background-writer.js";
import { FORMAT_VERSION } from "./schema.js";
import { TapeIndex, type NewEntryRow } from "./tape-index.js";

const meta = { fingerprint: "f".repeat(64), totalSize: 0, entryCount: 0, createdAt: "2026-01-01T00:00:00.000Z", root: "/data/ds", excludes: ["*.log"] };

/** `count` synthetic rows laid out like a tape: the root, then files with a header each and content of a few sizes. */
function rows(count: number): NewEntryRow[] {
  const out: NewEntryRow[] = [];
  let offset = 0;
  for (let i = 0; i < count; i++) {
    if (i === 0) {
      out.push({ arcPath: "ds", realPath: "/data/ds", kind: "dir", size: 0, mtimeNs: 0n, mode: 0o755, linkTarget: null, startOffset: 0, dataOffset: 512, endOffset: 512 });
      offset = 512;
      continue;
    }
    const size = [0, 1, 700, 512][i % 4] as number;
    const dataOffset = offset + 512;
    const endOffset = dataOffset + Math.ceil(size / 512) * 512;
    out.push({ arcPath: `ds/f${String(i).padStart(8, "0")}`, realPath: `/data/ds/f${String(i).padStart(8, "0")}`, kind: "file", size, mtimeNs: BigInt(i) * 1_000_000_007n, mode: 0o644, linkTarget: null, startOffset: offset, dataOffset, endOffset });
    offset = endOffset;
  }
  return out;
}

function recorded(count: number): { index: TapeIndex; list: NewEntryRow[]; total: number } {
  const list = rows(count);
  const total = (list.at(-1)?.endOffset ?? 0) + 1024;
  const index = TapeIndex.forRecording(path.join(tempDir(), "x", "index.db"), false);
  index.writeRecording(list, { ...meta, totalSize: total, entryCount: count });
  return { index, list, total };
}

describe("TapeIndex", () => {
  it("stores entries and metadata as given, big numbers and negative times included", () => {
    const indexPath = path.join(tempDir(), "deep", "dir", "index.db");
    const index = TapeIndex.forRecording(indexPath, false);
    const list: NewEntryRow[] = [
      { arcPath: "ds", realPath: "/data/ds", kind: "dir", size: 0, mtimeNs: -1_500_000_000n, mode: 0o755, linkTarget: null, startOffset: 0, dataOffset: 512, endOffset: 512 },
      { arcPath: "ds/huge", realPath: "/data/ds/huge", kind: "file", size: 10 * 2 ** 40, mtimeNs: 1_700_000_000_999_999_999n, mode: 0o600, linkTarget: null, startOffset: 512, dataOffset: 1024, endOffset: 1024 + 10 * 2 ** 40 },
      { arcPath: "ds/l", realPath: "/data/ds/l", kind: "symlink", size: 0, mtimeNs: 0n, mode: 0o777, linkTarget: "ü/日", startOffset: 1024 + 10 * 2 ** 40, dataOffset: 1536 + 10 * 2 ** 40, endOffset: 1536 + 10 * 2 ** 40 },
    ];
    index.writeRecording(list, { ...meta, totalSize: 2560 + 10 * 2 ** 40, entryCount: 3 });
    index.close();

    const again = TapeIndex.open(indexPath);
    expect(again.meta()).toEqual({ ...meta, formatVersion: FORMAT_VERSION, totalSize: 2560 + 10 * 2 ** 40, entryCount: 3 });
    const got = [...again.entriesInRange(0, 2560 + 10 * 2 ** 40)];
    expect(got.map(({ index: i, md5, ...rest }) => rest)).toEqual(list);
    expect(got.map((e) => e.index)).toEqual([0, 1, 2]);
    expect(got.every((e) => e.md5 === null)).toBe(true);
    again.setMd5(1, "0".repeat(32));
    expect(again.entry(1)?.md5).toBe("0".repeat(32));
    again.close();
  });

  it("open() fails clearly: no file, no recording, another format", () => {
    const dir = tempDir();
    expect(() => TapeIndex.open(path.join(dir, "none.db"))).toThrow(IndexNotFoundError);
    const empty = TapeIndex.forRecording(path.join(dir, "empty.db"), false);
    empty.close();
    expect(() => TapeIndex.open(path.join(dir, "empty.db"))).toThrow(IndexNotFoundError);
    const { index } = recorded(2);
    index.db.prepare("UPDATE meta SET value = 'tartape-ts/0' WHERE key = 'format_version'").run();
    const p = index.path;
    index.close();
    expect(() => TapeIndex.open(p)).toThrow(IndexIncompatibleError);
  });

  it("forRecording refuses an index that holds a recording unless overwriting; re-recording keeps upload state", () => {
    const { index } = recorded(3);
    const p = index.path;
    index.beginUpload({ targetId: "t", fingerprint: meta.fingerprint, uploadId: "u", partSize: 1, partCount: 1, totalSize: 1 });
    index.close();
    expect(() => TapeIndex.forRecording(p, false)).toThrow(IndexExistsError);
    const again = TapeIndex.forRecording(p, true);
    again.writeRecording(rows(1), { ...meta, totalSize: 1536, entryCount: 1 });
    expect(again.meta().entryCount).toBe(1);
    expect([...again.entriesInRange(0, 1536)]).toHaveLength(1);
    expect(again.upload("t")?.uploadId).toBe("u");
    again.close();
  });

  it("entryAt finds the entry holding any byte; undefined in the footer", () => {
    const { index, list, total } = recorded(50);
    for (const r of list) {
      for (const o of [r.startOffset, r.dataOffset - 1, r.endOffset - 1]) expect(index.entryAt(o)?.arcPath, `offset ${o}`).toBe(r.arcPath);
    }
    expect(index.entryAt(total - 1024)).toBeUndefined();
    expect(index.entryAt(total - 1)).toBeUndefined();
    index.close();
  });

  it("entriesInRange pages through any range, page edges included", () => {
    const { index, list } = recorded(40);
    const next = random(7);
    for (let i = 0; i < 60; i++) {
      const a = Math.floor(next() * ((list.at(-1) as NewEntryRow).endOffset + 1024));
      const b = a + Math.floor(next() * 20_000);
      const want = list.filter((r) => r.endOffset > a && r.startOffset < b).map((r) => r.arcPath);
      expect([...index.entriesInRange(a, b, 3)].map((e) => e.arcPath), `[${a}, ${b})`).toEqual(want);
    }
    index.close();
  });

  it("finding the entry at an offset is a B-tree lookup, not a scan", () => {
    const { index } = recorded(3);
    const plan = (sql: string, ...args: unknown[]) =>
      (index.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as Array<{ detail: string }>).map((r) => r.detail).join("; ");
    expect(plan("SELECT * FROM entries WHERE end_offset > ? ORDER BY end_offset LIMIT 1", 100)).toMatch(/SEARCH entries USING INTEGER PRIMARY KEY \(rowid>\?\)/);
    expect(plan("SELECT * FROM entries WHERE end_offset > ? AND end_offset <= ? ORDER BY end_offset LIMIT ?", 1, 2, 10)).toMatch(/SEARCH entries USING INTEGER PRIMARY KEY \(rowid>\? AND rowid<\?\)/);
    expect(plan("SELECT max(end_offset) AS e FROM entries")).toMatch(/SEARCH entries/);
    index.close();
  });

  it("resuming anywhere in a 100,000-entry index takes well under a millisecond a lookup", () => {
    const { index, total } = recorded(100_000);
    const next = random(3);
    // Every page query must also stop at the range's end: read the last entry's range too.
    expect([...index.entriesInRange(total - 1025, total)]).toHaveLength(1);
    const began = performance.now();
    for (let i = 0; i < 2000; i++) {
      const offset = Math.floor(next() * total);
      const first = index.entriesInRange(offset, offset + 1).next();
      expect(first.done || first.value.endOffset > offset).toBe(true);
    }
    const perLookup = (performance.now() - began) / 2000;
    expect(perLookup).toBeLessThan(1);
    index.close();
    expect(fs.existsSync(index.path)).toBe(true);
  });
});

describe("TapeIndex: finding entries by position", () => {
  it("entry(i) finds every entry, and nothing past the last", () => {
    const { index, list } = recorded(300);
    for (let i = 0; i < list.length; i++) expect(index.entry(i)?.arcPath, `entry ${i}`).toBe((list[i] as NewEntryRow).arcPath);
    expect(index.entry(300)).toBeUndefined();
    expect(index.entry(-1)).toBeUndefined();
    index.close();
  });

  it("randomSample gives distinct entries in tape order; all of them when asked for more", () => {
    const { index } = recorded(200);
    const sample = index.randomSample(20).map((e) => e.index);
    expect(sample).toHaveLength(20);
    expect(new Set(sample).size).toBe(20);
    expect(sample).toEqual([...sample].sort((a, b) => a - b));
    expect(index.randomSample(500).map((e) => e.index)).toEqual(Array.from({ length: 200 }, (_, i) => i));
    index.close();
  });

  it("setMd5 takes the entry or its position", () => {
    const { index } = recorded(10);
    index.setMd5(index.entry(4) as NonNullable<ReturnType<TapeIndex["entry"]>>, "a".repeat(32));
    index.setMd5(7, "b".repeat(32));
    expect([...index.entriesInRange(0, 1e9)].map((e) => e.md5)).toEqual([null, null, null, null, "a".repeat(32), null, null, "b".repeat(32), null, null]);
    index.close();
  });
});

/** The entries table of index version 1 (tartape-ts before it), as it created it. */
const VERSION_1_ENTRIES = `
CREATE TABLE entries (
  id           INTEGER PRIMARY KEY,
  arc_path     TEXT NOT NULL,
  real_path    TEXT NOT NULL,
  kind         TEXT NOT NULL CHECK (kind IN ('file', 'dir', 'symlink')),
  size         INTEGER NOT NULL,
  mtime_ns     INTEGER NOT NULL,
  mode         INTEGER NOT NULL,
  link_target  TEXT,
  start_offset INTEGER NOT NULL,
  data_offset  INTEGER NOT NULL,
  end_offset   INTEGER NOT NULL,
  md5          TEXT
) STRICT;
CREATE UNIQUE INDEX entries_by_end ON entries (end_offset);`;

describe("TapeIndex: an index of version 1", () => {
  it("is converted when opened: the same entries, metadata and upload state", () => {
    const indexPath = path.join(tempDir(), "old.db");
    const list: NewEntryRow[] = [
      { arcPath: "ds", realPath: "/data/ds", kind: "dir", size: 0, mtimeNs: -1_500_000_000n, mode: 0o755, linkTarget: null, startOffset: 0, dataOffset: 512, endOffset: 512 },
      { arcPath: `ds/${"ü".repeat(60)}`, realPath: `/data/ds/${"ü".repeat(60)}`, kind: "file", size: 700, mtimeNs: 1_700_000_000_999_999_999n, mode: 0o600, linkTarget: null, startOffset: 512, dataOffset: 2048, endOffset: 3072 },
      { arcPath: "ds/l", realPath: "/data/ds/l", kind: "symlink", size: 0, mtimeNs: 0n, mode: 0o777, linkTarget: "日", startOffset: 3072, dataOffset: 3584, endOffset: 3584 },
    ];
    // Made as version 1 made it: its tables, its rows, no index_version.
    const made = TapeIndex.forRecording(indexPath, false);
    made.db.exec(`DROP TABLE entries; ${VERSION_1_ENTRIES}`);
    const insert = made.db.prepare("INSERT INTO entries VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    list.forEach((r, i) => insert.run(i, r.arcPath, r.realPath, r.kind, r.size, r.mtimeNs, r.mode, r.linkTarget, r.startOffset, r.dataOffset, r.endOffset, i === 1 ? "c".repeat(32) : null));
    const setMeta = made.db.prepare("INSERT INTO meta (key, value) VALUES (?, ?)");
    for (const [k, v] of Object.entries({ format_version: FORMAT_VERSION, fingerprint: meta.fingerprint, total_size: "4608", entry_count: "3", created_at: meta.createdAt, root: meta.root, excludes: "[]" })) setMeta.run(k, v);
    made.beginUpload({ targetId: "t", fingerprint: meta.fingerprint, uploadId: "u", partSize: 1, partCount: 1, totalSize: 4608 });
    made.close();

    const index = TapeIndex.open(indexPath);
    expect([...index.entriesInRange(0, 4608)].map(({ index: i, md5, ...rest }) => rest)).toEqual(list);
    expect(index.entry(1)?.md5).toBe("c".repeat(32));
    expect(index.meta().fingerprint).toBe(meta.fingerprint);
    expect(index.upload("t")?.uploadId).toBe("u");
    const columns = (index.db.prepare("PRAGMA table_info(entries)").all() as Array<{ name: string }>).map((c) => c.name);
    expect(columns).not.toContain("arc_path");
    index.close();
    // Opened again, there is nothing left to convert.
    const again = TapeIndex.open(indexPath);
    expect(again.entryAt(600)?.arcPath).toBe(`ds/${"ü".repeat(60)}`);
    again.close();
  });

  it("an index of a later version is refused clearly", () => {
    const { index } = recorded(2);
    index.db.prepare("UPDATE meta SET value = '3' WHERE key = 'index_version'").run();
    const p = index.path;
    index.close();
    expect(() => TapeIndex.open(p)).toThrow(/index version 3.*Record the tape again/);
  });
});

describe("TapeIndex: writing a recording on a worker thread", () => {
  it("stores the same rows and metadata as writing on this thread", () => {
    const list = rows(5000);
    const total = (list.at(-1) as NewEntryRow).endOffset + 1024;
    const read = (background: boolean) => {
      const index = TapeIndex.forRecording(path.join(tempDir(), "i.db"), false);
      index.writeRecording(list, () => ({ ...meta, totalSize: total, entryCount: list.length }), { background, inlineRows: 100 });
      const got = { meta: index.meta(), entries: [...index.entriesInRange(0, total)] };
      index.close();
      return got;
    };
    const here = read(false);
    expect(here.entries).toHaveLength(5000);
    const started = BackgroundEntryWriter.threadsStarted;
    expect(read(true)).toEqual(here);
    expect(BackgroundEntryWriter.threadsStarted).toBe(started + 1);
  });

  it("what the database refuses is thrown, and nothing of the recording is kept", () => {
    const { index } = recorded(10);
    const broken = rows(3000);
    (broken[2000] as NewEntryRow).endOffset = (broken[1999] as NewEntryRow).endOffset; // two entries cannot end at the same byte
    expect(() => index.writeRecording(broken, { ...meta, totalSize: 1, entryCount: 3000 }, { background: true, inlineRows: 100 })).toThrow(/UNIQUE constraint failed: entries.end_offset/);
    expect([...index.entriesInRange(0, 1e9)]).toHaveLength(10);
    expect(index.meta().entryCount).toBe(10);
    index.close();
  });

  it("a recording of few entries is written on this thread (no writer thread started), the same rows", () => {
    const list = rows(50);
    const total = (list.at(-1) as NewEntryRow).endOffset + 1024;
    const index = TapeIndex.forRecording(path.join(tempDir(), "i.db"), false);
    const started = BackgroundEntryWriter.threadsStarted;
    index.writeRecording(list, () => ({ ...meta, totalSize: total, entryCount: list.length }), { background: true, inlineRows: 100 });
    expect(BackgroundEntryWriter.threadsStarted).toBe(started);
    expect([...index.entriesInRange(0, total)].map((e) => e.endOffset)).toEqual(list.map((r) => r.endOffset));
    expect(index.meta().entryCount).toBe(50);
    index.close();
  });

  it("what the rows throw rolls the recording back", () => {
    const { index } = recorded(10);
    function* failing(): Generator<NewEntryRow> {
      yield* rows(5000);
      throw new Error("the walk failed");
    }
    expect(() => index.writeRecording(failing(), { ...meta, totalSize: 1, entryCount: 5000 }, { background: true, inlineRows: 100 })).toThrow("the walk failed");
    expect([...index.entriesInRange(0, 1e9)]).toHaveLength(10);
    index.close();
  });
});
