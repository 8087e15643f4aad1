/**
 * Everything the catalog reads from and writes to the tape index, in one
 * place: the index is being reworked for millions of entries, and this is the
 * module to adapt. Entries are only ever iterated through the index's own
 * paged API (entriesInRange), never loaded whole. The per-part file digests
 * live in a table of their own, created on first use.
 */
import type { TapeIndex, PartRecord, UploadRecord } from "../index/tape-index.js";
import type { TapeEntry } from "../types.js";
import type { FileRange } from "./part-digests.js";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS catalog_part_digests (
  target_id    TEXT NOT NULL,
  part_number  INTEGER NOT NULL,
  fingerprint  TEXT NOT NULL,
  start_offset INTEGER NOT NULL,
  end_offset   INTEGER NOT NULL,
  digests      BLOB NOT NULL,
  PRIMARY KEY (target_id, part_number)
) STRICT;`;

const prepared = new WeakMap<TapeIndex, true>();

function ensureSchema(index: TapeIndex): void {
  if (prepared.has(index)) return;
  index.db.exec(SCHEMA);
  prepared.set(index, true);
}

/** Every entry of the tape, in tape (= path) order, a page at a time. */
export function allEntries(index: TapeIndex, totalSize: number): Iterable<TapeEntry> {
  return index.entriesInRange(0, totalSize);
}

/** The regular files with content that intersect tape bytes [start, end), in order. */
export function* fileRanges(index: TapeIndex, start: number, end: number): Generator<FileRange> {
  for (const entry of index.entriesInRange(start, end)) {
    if (entry.kind === "file" && entry.size > 0) yield { index: entry.index, start: entry.dataOffset, end: entry.dataOffset + entry.size };
  }
}

export function uploadState(index: TapeIndex, targetId: string): UploadRecord | undefined {
  return index.upload(targetId);
}

export function uploadedParts(index: TapeIndex, targetId: string): PartRecord[] {
  return index.parts(targetId);
}

/** Keeps a part's file digests; written before the part itself is recorded, so a recorded part always has them. */
export function savePartDigests(index: TapeIndex, targetId: string, fingerprint: string, part: { number: number; start: number; end: number }, digests: Buffer): void {
  ensureSchema(index);
  index.db
    .prepare("INSERT OR REPLACE INTO catalog_part_digests (target_id, part_number, fingerprint, start_offset, end_offset, digests) VALUES (?, ?, ?, ?, ?, ?)")
    .run(targetId, part.number, fingerprint, part.start, part.end, digests);
}

/** A part's file digests, when they were taken of this tape and this cut of it; else null. */
export function loadPartDigests(index: TapeIndex, targetId: string, fingerprint: string, part: { number: number; start: number; end: number }): Buffer | null {
  ensureSchema(index);
  const row = index.db
    .prepare("SELECT fingerprint, start_offset, end_offset, digests FROM catalog_part_digests WHERE target_id = ? AND part_number = ?")
    .get(targetId, part.number) as { fingerprint: string; start_offset: number; end_offset: number; digests: Buffer } | undefined;
  if (!row || row.fingerprint !== fingerprint || row.start_offset !== part.start || row.end_offset !== part.end) return null;
  return row.digests;
}
