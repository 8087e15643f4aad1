/** Typed access to the index database, with prepared statements for every hot query. */
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { IndexExistsError, IndexIncompatibleError, IndexNotFoundError } from "../errors.js";
import type { EntryKind, TapeEntry } from "../types.js";
import type { ScannedEntry } from "../scan/scan.js";
import { BackgroundEntryWriter, ROWS_PER_STATEMENT } from "./background-writer.js";
import { migrateIndex } from "./migrate.js";
import { ENTRIES_TABLE, FORMAT_VERSION, INDEX_VERSION, KIND_CODES, SCHEMA } from "./schema.js";

export interface TapeMeta {
  readonly formatVersion: string;
  readonly fingerprint: string;
  readonly totalSize: number;
  readonly entryCount: number;
  readonly createdAt: string;
  readonly root: string;
  readonly excludes: readonly string[];
}

/** The metadata of a recording, as `writeRecording` takes it. */
export type RecordingMeta = Omit<TapeMeta, "formatVersion">;

/** A scanned entry laid out on the tape. */
export interface NewEntryRow extends ScannedEntry {
  startOffset: number;
  dataOffset: number;
  endOffset: number;
}

export interface UploadRecord {
  readonly targetId: string;
  readonly fingerprint: string;
  readonly uploadId: string;
  readonly partSize: number;
  readonly partCount: number;
  readonly totalSize: number;
  readonly status: "in-progress" | "completed";
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly result: unknown;
}

/** A createUpload that began and whose upload id may not be in `uploads` (see Target.abortUnrecorded). */
export interface UploadIntent {
  readonly id: number;
  readonly targetId: string;
  readonly fingerprint: string;
  readonly partSize: number;
  readonly partCount: number;
  readonly totalSize: number;
  readonly startedAt: string;
  readonly lastAttemptAt: string;
}

/** The object a target id writes to and the options it writes with (see Target.objectIdentity). */
export interface TargetObjectRecord {
  readonly id: string;
  readonly options: Readonly<Record<string, string>>;
}

type UploadFacts = Pick<UploadRecord, "targetId" | "fingerprint" | "uploadId" | "partSize" | "partCount" | "totalSize">;

export interface PartRecord {
  readonly number: number;
  readonly start: number;
  readonly end: number;
  readonly etag: string;
  readonly checksum: string;
  readonly uploadedAt: string;
}

interface EntryRowDb {
  end_offset: number;
  id: number;
  path: string;
  kind: 0 | 1 | 2;
  size: number;
  /** mtime_ns in two exact parts (whole seconds toward zero, and the rest), so no column needs a BigInt. */
  mtime_s: number;
  mtime_rest: number;
  mode: number;
  link_target: string | null;
  header_size: number | null;
  /** The 16 bytes of the MD5 (half the room of its hex text). */
  md5: Buffer | null;
}

/**
 * The columns entry rows are read with. Reading mtime_ns whole needs BigInts for
 * every integer column (better-sqlite3's safeIntegers is per statement), which
 * costs more than the rest of a row; every other integer is below 2^53.
 */
const ENTRY_COLUMNS =
  "end_offset, id, path, kind, size, mtime_ns / 1000000000 AS mtime_s, mtime_ns % 1000000000 AS mtime_rest, mode, link_target, header_size, md5";

const KINDS: readonly EntryKind[] = ["file", "dir", "symlink"];

/** Where an entry's paths start: the root's archive path, and its real path ("" for "/", whose children are "/name"). */
interface PathPrefixes {
  readonly arc: string;
  readonly real: string;
}

function toEntry(row: EntryRowDb, prefixes: PathPrefixes): TapeEntry {
  const dataOffset = row.end_offset - Math.ceil(row.size / BLOCK) * BLOCK;
  return {
    index: row.id,
    arcPath: prefixes.arc + row.path,
    realPath: prefixes.real + row.path || "/",
    kind: KINDS[row.kind] as EntryKind,
    size: row.size,
    mtimeNs: BigInt(row.mtime_s) * 1_000_000_000n + BigInt(row.mtime_rest),
    mode: row.mode,
    linkTarget: row.link_target,
    startOffset: dataOffset - (row.header_size ?? BLOCK),
    dataOffset,
    endOffset: row.end_offset,
    md5: row.md5 === null ? null : row.md5.toString("hex"),
  };
}

const BLOCK = 512;

const now = () => new Date().toISOString();

/** Entry rows per INSERT statement when recording (9 values each, well under SQLite's 32,766 variables). */
const INSERT_BATCH = 64;

const INSERT_ENTRIES = "INSERT INTO entries (end_offset, id, path, kind, size, mtime_ns, mode, link_target, header_size) VALUES ";
/** Values of one row in INSERT_ENTRIES. */
const ENTRY_VALUES = 9;
const rowPlaceholders = (n: number) => Array.from({ length: n }, () => "(?, ?, ?, ?, ?, ?, ?, ?, ?)").join(", ");

/**
 * Turns rows, in tape order, into the values of INSERT_ENTRIES: written into
 * `values` from `k`; returns the index after them. Every archive path starts
 * with the root's (entry 0's), kept once in meta rather than in every row.
 */
function rowEncoder(): ((r: NewEntryRow, values: unknown[], k: number) => number) & { rootArc: () => string } {
  let rootArc = "";
  let id = 0;
  const encode = (r: NewEntryRow, values: unknown[], k: number): number => {
    if (id === 0) rootArc = r.arcPath;
    else if (!r.arcPath.startsWith(rootArc)) throw new Error(`${r.arcPath} is not under the first entry, ${rootArc}`);
    const headerSize = r.dataOffset - r.startOffset;
    values[k++] = r.endOffset;
    values[k++] = id++;
    values[k++] = r.arcPath.slice(rootArc.length);
    values[k++] = KIND_CODES[r.kind];
    values[k++] = r.size;
    values[k++] = r.mtimeNs;
    values[k++] = r.mode;
    values[k++] = r.linkTarget;
    values[k++] = headerSize === BLOCK ? null : headerSize;
    return k;
  };
  return Object.assign(encode, { rootArc: () => rootArc });
}

/** Recordings of at most this many entries are written on the recording thread (see writeRecording). */
const INLINE_RECORDING_ROWS = 4096;

/** `held`, then `pending` (already taken from `rest`) unless done, then the rest of `rest`. */
function* concatRows(held: readonly NewEntryRow[], pending: IteratorResult<NewEntryRow>, rest: Iterator<NewEntryRow>): Generator<NewEntryRow> {
  yield* held;
  if (pending.done) return;
  yield pending.value;
  for (let next = rest.next(); !next.done; next = rest.next()) yield next.value;
}

/** A writer thread for a recording into `indexPath`, or null where better-sqlite3 cannot be found from this module (a bundle that moved it). */
function startBackgroundWriter(indexPath: string): BackgroundEntryWriter | null {
  try {
    return new BackgroundEntryWriter(indexPath, ENTRY_VALUES, INSERT_ENTRIES + rowPlaceholders(ROWS_PER_STATEMENT), INSERT_ENTRIES + rowPlaceholders(1));
  } catch {
    return null;
  }
}

/** The meta table's rows for a recording. */
function metaRows(m: RecordingMeta, rootArc: string): Array<[string, string]> {
  return [
    ["format_version", FORMAT_VERSION],
    ["index_version", INDEX_VERSION],
    ["root_arc", rootArc],
    ["fingerprint", m.fingerprint],
    ["total_size", String(m.totalSize)],
    ["entry_count", String(m.entryCount)],
    ["created_at", m.createdAt],
    ["root", m.root],
    ["excludes", JSON.stringify(m.excludes)],
  ];
}

export class TapeIndex {
  readonly path: string;
  readonly db: Database.Database;
  /** Where the entries' paths start: from the recorded root, or from where it is now (`open`'s `root`). */
  private prefixes: PathPrefixes = { arc: "", real: "" };

  private constructor(indexPath: string, db: Database.Database) {
    this.path = indexPath;
    this.db = db;
  }

  /** Opens (creating when needed) the index file for writing a new recording. */
  static forRecording(indexPath: string, overwrite: boolean): TapeIndex {
    fs.mkdirSync(path.dirname(indexPath), { recursive: true });
    const index = new TapeIndex(indexPath, TapeIndex.connect(indexPath));
    if (!overwrite && index.hasMeta()) {
      index.close();
      throw new IndexExistsError(indexPath);
    }
    return index;
  }

  /**
   * Opens a recorded index. `root`: where the recorded directory is now, when
   * it may have moved since (real paths, every symbolic link resolved); the
   * entries' real paths then point there.
   */
  static open(indexPath: string, options: { root?: string } = {}): TapeIndex {
    if (!fs.existsSync(indexPath)) throw new IndexNotFoundError(indexPath);
    const index = new TapeIndex(indexPath, TapeIndex.connect(indexPath));
    if (!index.hasMeta()) {
      index.close();
      throw new IndexNotFoundError(indexPath);
    }
    const version = index.metaValue("format_version");
    const indexVersion = index.metaValue("index_version");
    if (version !== FORMAT_VERSION || indexVersion !== INDEX_VERSION) {
      index.close();
      throw new IndexIncompatibleError(indexPath, `${version ?? "unknown"}, index version ${indexVersion ?? "unknown"}`);
    }
    index.readPrefixes(options.root);
    return index;
  }

  /** Where the entries' paths start, from the metadata; `root`: where the recorded directory is now. */
  private readPrefixes(root?: string): void {
    const recordedRoot = this.metaValue("root") ?? "";
    const realRoot = root ?? recordedRoot;
    this.prefixes = { arc: this.metaValue("root_arc") ?? path.basename(recordedRoot), real: realRoot === "/" ? "" : realRoot };
  }

  private static connect(indexPath: string): Database.Database {
    const db = new Database(indexPath);
    db.pragma("journal_mode = WAL");
    // WAL + NORMAL survives a killed process; a power cut may lose the last few
    // part records, which only means re-sending those parts.
    db.pragma("synchronous = NORMAL");
    db.pragma("busy_timeout = 10000");
    // 4 MB of page cache rather than better-sqlite3's 16 MB: the index is read in order
    // (or by a few B-tree lookups) and written by appending, and a full cache only added
    // its 16 MB to the memory of recording and playing a large tape.
    db.pragma("cache_size = -4000");
    db.pragma("foreign_keys = ON");
    db.exec(SCHEMA);
    migrateIndex(db, ENTRIES_TABLE);
    return db;
  }

  private hasMeta(): boolean {
    return this.metaValue("fingerprint") !== undefined;
  }

  private metaValue(key: string): string | undefined {
    const row = this.db.prepare("SELECT value FROM meta WHERE key = ?").get(key) as { value: string } | undefined;
    return row?.value;
  }

  meta(): TapeMeta {
    const rows = this.db.prepare("SELECT key, value FROM meta").all() as Array<{ key: string; value: string }>;
    const m = new Map(rows.map((r) => [r.key, r.value]));
    return {
      formatVersion: m.get("format_version") ?? "",
      fingerprint: m.get("fingerprint") ?? "",
      totalSize: Number(m.get("total_size") ?? 0),
      entryCount: Number(m.get("entry_count") ?? 0),
      createdAt: m.get("created_at") ?? "",
      root: m.get("root") ?? "",
      excludes: JSON.parse(m.get("excludes") ?? "[]") as string[],
    };
  }

  /** One metadata value of the index at `indexPath`, or undefined when there is no index or no such value. */
  static peekMeta(indexPath: string, key: string): string | undefined {
    if (!fs.existsSync(indexPath)) return undefined;
    const index = new TapeIndex(indexPath, TapeIndex.connect(indexPath));
    try {
      return index.metaValue(key);
    } finally {
      index.close();
    }
  }

  /**
   * Replaces the recorded entries and metadata in one transaction; upload state
   * is kept. `rows` are written as they come (never all held); `meta` may be a
   * function, called once they are all written, for facts known only then
   * (the fingerprint, the total size). Anything thrown rolls it all back.
   * With `background`, the rows are written by a worker thread while the
   * caller goes on producing them (what a recording does). `extra`: further
   * metadata values (e.g. the index folder stamp, index-folder-stamp.ts).
   */
  writeRecording(
    rows: Iterable<NewEntryRow>,
    meta: RecordingMeta | (() => RecordingMeta),
    options: { background?: boolean; extra?: Readonly<Record<string, string>>; inlineRows?: number } = {},
  ): void {
    const extra = Object.entries(options.extra ?? {});
    const getMeta = () => (typeof meta === "function" ? meta() : meta);
    if (!options.background) {
      this.writeHere(rows, getMeta, extra);
    } else {
      // Starting the writer thread (an isolate, better-sqlite3, a connection) costs tens of
      // milliseconds: more than writing a few thousand rows here. So the first rows are held
      // (a bounded number) and the thread is started only for a recording with more.
      const it = rows[Symbol.iterator]();
      const held: NewEntryRow[] = [];
      const limit = options.inlineRows ?? INLINE_RECORDING_ROWS;
      let next = it.next();
      while (!next.done && held.length < limit) {
        held.push(next.value);
        next = it.next();
      }
      const writer = next.done ? null : startBackgroundWriter(this.path);
      const all = concatRows(held, next, it);
      if (writer) this.writeInBackground(writer, all, getMeta, extra);
      else this.writeHere(all, getMeta, extra);
    }
    this.readPrefixes();
  }

  private writeHere(rows: Iterable<NewEntryRow>, getMeta: () => RecordingMeta, extra: ReadonlyArray<[string, string]>): void {
    // Rows go in INSERT_BATCH at a time, one statement each: a call into SQLite per row
    // costs more than the row (about half the time for 100,000 entries).
    const insertOne = this.db.prepare(INSERT_ENTRIES + rowPlaceholders(1));
    const insertBatch = this.db.prepare(INSERT_ENTRIES + rowPlaceholders(INSERT_BATCH));
    const setMeta = this.db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)");
    this.db.transaction(() => {
      this.db.exec("DELETE FROM entries; DELETE FROM meta;");
      const values: unknown[] = new Array(INSERT_BATCH * ENTRY_VALUES);
      const encode = rowEncoder();
      let k = 0;
      for (const r of rows) {
        k = encode(r, values, k);
        if (k === values.length) {
          insertBatch.run(values);
          k = 0;
        }
      }
      for (let i = 0; i < k; i += ENTRY_VALUES) insertOne.run(values.slice(i, i + ENTRY_VALUES));
      for (const [key, value] of [...metaRows(getMeta(), encode.rootArc()), ...extra]) setMeta.run(key, value);
    })();
  }

  private writeInBackground(writer: BackgroundEntryWriter, rows: Iterable<NewEntryRow>, getMeta: () => RecordingMeta, extra: ReadonlyArray<[string, string]>): void {
    const encode = rowEncoder();
    const values: unknown[] = new Array(ENTRY_VALUES);
    try {
      for (const r of rows) {
        encode(r, values, 0);
        writer.add(values);
      }
    } catch (err) {
      writer.abort();
      throw err;
    }
    writer.finish([...metaRows(getMeta(), encode.rootArc()), ...extra]);
  }

  /** The entry whose byte range holds `offset`, or undefined inside the footer. One lookup in the table's B-tree. */
  entryAt(offset: number): TapeEntry | undefined {
    this._entryAt ??= this.db.prepare(`SELECT ${ENTRY_COLUMNS} FROM entries WHERE end_offset > ? ORDER BY end_offset LIMIT 1`);
    const row = this._entryAt.get(offset) as EntryRowDb | undefined;
    return row ? toEntry(row, this.prefixes) : undefined;
  }
  private _entryAt: Database.Statement | undefined;

  /**
   * The entry at position `index` on the tape. Rows are kept by offset, so this
   * is a binary search over offsets (ids and offsets grow together): a few
   * dozen lookups, for the odd caller; anything in tape order pages instead.
   */
  entry(index: number): TapeEntry | undefined {
    if (!Number.isSafeInteger(index) || index < 0) return undefined;
    // The first byte whose entry's position is at least `index` is the start of the one sought.
    let low = 0;
    let high = this.lastEnd() - 1;
    if (high < 0) return undefined;
    while (low < high) {
      const at = this.entryAt(Math.floor((low + high) / 2)) as TapeEntry; // below the last end: there is one
      if (at.index >= index) high = at.startOffset;
      else low = at.endOffset;
    }
    const found = this.entryAt(low);
    return found?.index === index ? found : undefined;
  }

  /** The end offset of the last entry (0 when there is none). */
  private lastEnd(): number {
    this._lastEnd ??= this.db.prepare("SELECT max(end_offset) AS e FROM entries");
    return (this._lastEnd.get() as { e: number | null }).e ?? 0;
  }
  private _lastEnd: Database.Statement | undefined;

  /**
   * Entries whose byte ranges intersect [start, end), in tape order. Fetched a
   * page at a time: no read cursor stays open (so writes on this connection and
   * WAL checkpoints are never blocked) and memory stays flat for any tape.
   */
  *entriesInRange(start: number, end: number, pageSize = 512): Generator<TapeEntry> {
    const first = this.entryAt(start);
    if (!first || first.startOffset >= end) return;
    // The last entry is found by the same lookup (the one holding byte end - 1, or the last
    // entry when that byte is in the footer), so each page is a range of keys. A
    // "start < end" filter instead would make SQLite read every row after the range.
    const lastEndOffset = this.entryAt(end - 1)?.endOffset ?? this.lastEnd();
    this._page ??= this.db.prepare(`SELECT ${ENTRY_COLUMNS} FROM entries WHERE end_offset > ? AND end_offset <= ? ORDER BY end_offset LIMIT ?`);
    yield first;
    // Pages start small and grow: whoever starts playing at an offset needs the first entries
    // at once, not a full page of them.
    let after = first.endOffset;
    let size = Math.min(16, pageSize);
    while (after < lastEndOffset) {
      const rows = this._page.all(after, lastEndOffset, size) as EntryRowDb[];
      for (const row of rows) yield toEntry(row, this.prefixes);
      if (rows.length < size) return;
      after = (rows[rows.length - 1] as EntryRowDb).end_offset;
      size = Math.min(size * 4, pageSize);
    }
  }
  private _page: Database.Statement | undefined;

  /**
   * About `count` entries picked at random (fewer when the tape has fewer), in
   * tape order: each a binary search for a random position, so the cost
   * follows the sample, not the tape.
   */
  randomSample(count: number): TapeEntry[] {
    const total = Number(this.metaValue("entry_count") ?? 0);
    const picks = new Set<number>();
    if (count >= total) for (let i = 0; i < total; i++) picks.add(i);
    else while (picks.size < count) picks.add(Math.floor(Math.random() * total));
    return [...picks]
      .sort((a, b) => a - b)
      .map((i) => this.entry(i))
      .filter((e): e is TapeEntry => e !== undefined);
  }

  /** Keeps the MD5 of an entry's content: give the entry (one lookup), or its index (a search, see `entry`). */
  setMd5(entry: TapeEntry | number, md5: string): void {
    const endOffset = typeof entry === "number" ? this.entry(entry)?.endOffset : entry.endOffset;
    if (endOffset === undefined) return;
    (this._setMd5 ??= this.db.prepare("UPDATE entries SET md5 = ? WHERE end_offset = ?")).run(Buffer.from(md5, "hex"), endOffset);
  }
  private _setMd5: Database.Statement | undefined;

  /** Keeps the MD5s of many entries' contents in one transaction (one per call, not one per entry). */
  setMd5s(items: Iterable<readonly [TapeEntry, string]>): void {
    this.db.transaction(() => {
      for (const [entry, md5] of items) this.setMd5(entry, md5);
    })();
  }

  // ---- upload state ----

  /** Notes which object a target id writes to, with its options (see Target.objectIdentity). */
  describeTarget(targetId: string, object: TargetObjectRecord): void {
    this.db
      .prepare("INSERT OR REPLACE INTO target_objects (target_id, object_id, options) VALUES (?, ?, ?)")
      .run(targetId, object.id, JSON.stringify(object.options));
  }

  /** The object and options of a target id, when a target with them was ever used on this index. */
  targetObject(targetId: string): TargetObjectRecord | undefined {
    const row = this.db.prepare("SELECT object_id, options FROM target_objects WHERE target_id = ?").get(targetId) as { object_id: string; options: string } | undefined;
    return row ? { id: row.object_id, options: JSON.parse(row.options) as Record<string, string> } : undefined;
  }

  /** The uploads (any status) whose target ids write to `objectId`. */
  uploadsOfObject(objectId: string): UploadRecord[] {
    const rows = this.db
      .prepare("SELECT u.* FROM uploads u JOIN target_objects o ON o.target_id = u.target_id WHERE o.object_id = ? ORDER BY u.created_at")
      .all(objectId) as Array<Record<string, unknown>>;
    return rows.map(toUpload);
  }

  upload(targetId: string): UploadRecord | undefined {
    const row = this.db.prepare("SELECT * FROM uploads WHERE target_id = ?").get(targetId) as Record<string, unknown> | undefined;
    return row ? toUpload(row) : undefined;
  }

  uploads(): UploadRecord[] {
    return (this.db.prepare("SELECT * FROM uploads ORDER BY created_at").all() as Array<Record<string, unknown>>).map(toUpload);
  }

  /**
   * Starts tracking a new upload for the target, discarding any earlier state for it.
   * `settledIntent`: the intent this upload's creation recorded, forgotten in the same
   * transaction, so there is never a moment when neither the id nor the intent is written.
   */
  beginUpload(u: UploadFacts, settledIntent?: number): void {
    const t = now();
    this.db.transaction(() => {
      if (settledIntent !== undefined) this.forgetIntent(settledIntent);
      this.db.prepare("DELETE FROM uploads WHERE target_id = ?").run(u.targetId);
      this.db
        .prepare(
          `INSERT INTO uploads (target_id, fingerprint, upload_id, part_size, part_count, total_size, status, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, 'in-progress', ?, ?)`,
        )
        .run(u.targetId, u.fingerprint, u.uploadId, u.partSize, u.partCount, u.totalSize, t, t);
    })();
  }

  /** Records that an upload is about to be created for the target; returns the intent's id. */
  recordIntent(u: Omit<UploadFacts, "uploadId">): number {
    const t = now();
    const result = this.db
      .prepare(
        `INSERT INTO upload_intents (target_id, fingerprint, part_size, part_count, total_size, started_at, last_attempt_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(u.targetId, u.fingerprint, u.partSize, u.partCount, u.totalSize, t, t);
    return Number(result.lastInsertRowid);
  }

  /** Notes that another createUpload attempt of the intent begins now. */
  touchIntent(id: number): void {
    this.db.prepare("UPDATE upload_intents SET last_attempt_at = ? WHERE id = ?").run(now(), id);
  }

  /** Intents not yet settled, of the target (of every target without one), oldest first. */
  intents(targetId?: string): UploadIntent[] {
    const rows = (
      targetId === undefined
        ? this.db.prepare("SELECT * FROM upload_intents ORDER BY id").all()
        : this.db.prepare("SELECT * FROM upload_intents WHERE target_id = ? ORDER BY id").all(targetId)
    ) as Array<Record<string, unknown>>;
    return rows.map((r) => ({
      id: Number(r.id),
      targetId: String(r.target_id),
      fingerprint: String(r.fingerprint),
      partSize: Number(r.part_size),
      partCount: Number(r.part_count),
      totalSize: Number(r.total_size),
      startedAt: String(r.started_at),
      lastAttemptAt: String(r.last_attempt_at),
    }));
  }

  forgetIntent(id: number): void {
    this.db.prepare("DELETE FROM upload_intents WHERE id = ?").run(id);
  }

  /** Records one part the server acknowledged. Called only after the acknowledgement. */
  recordPart(targetId: string, part: Omit<PartRecord, "uploadedAt">): void {
    (this._recordPart ??= this.db.prepare(
      `INSERT OR REPLACE INTO upload_parts (target_id, part_number, start_offset, end_offset, etag, checksum, uploaded_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    )).run(targetId, part.number, part.start, part.end, part.etag, part.checksum, now());
  }
  private _recordPart: Database.Statement | undefined;

  parts(targetId: string): PartRecord[] {
    const rows = this.db
      .prepare("SELECT * FROM upload_parts WHERE target_id = ? ORDER BY part_number")
      .all(targetId) as Array<Record<string, unknown>>;
    return rows.map((r) => ({
      number: Number(r.part_number),
      start: Number(r.start_offset),
      end: Number(r.end_offset),
      etag: String(r.etag),
      checksum: String(r.checksum),
      uploadedAt: String(r.uploaded_at),
    }));
  }

  forgetParts(targetId: string, numbers: readonly number[]): void {
    const del = this.db.prepare("DELETE FROM upload_parts WHERE target_id = ? AND part_number = ?");
    this.db.transaction(() => {
      for (const n of numbers) del.run(targetId, n);
    })();
  }

  completeUpload(targetId: string, result: unknown): void {
    this.db.prepare("UPDATE uploads SET status = 'completed', updated_at = ?, result = ? WHERE target_id = ?").run(now(), JSON.stringify(result), targetId);
  }

  deleteUpload(targetId: string): void {
    this.db.prepare("DELETE FROM uploads WHERE target_id = ?").run(targetId);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

function toUpload(row: Record<string, unknown>): UploadRecord {
  return {
    targetId: String(row.target_id),
    fingerprint: String(row.fingerprint),
    uploadId: String(row.upload_id),
    partSize: Number(row.part_size),
    partCount: Number(row.part_count),
    totalSize: Number(row.total_size),
    status: row.status as UploadRecord["status"],
    createdAt: String(row.created_at),
    updatedAt: String(row.updated_at),
    result: row.result ? JSON.parse(String(row.result)) : null,
  };
}
