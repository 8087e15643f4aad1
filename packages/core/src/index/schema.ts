/**
 * The SQLite schema of `.tartape/index.db`. Entries are stored in tape order,
 * keyed by where each ends on the tape, so "which entry holds byte N" is one
 * lookup in the table's own B-tree (no index beside it). Upload state lives
 * beside them, keyed by target id.
 *
 * Tables added later are created on open by CREATE TABLE IF NOT EXISTS, so
 * versions change only when existing tables change: an index of an earlier
 * version gains the new tables empty, and an earlier version ignores them.
 */

/**
 * The version of the tape format: it is hashed into every fingerprint, so it
 * changes only when the bytes of a tape do (stored as meta `format_version`).
 */
export const FORMAT_VERSION = "tartape-ts/1";

/**
 * The version of the entries table (meta `index_version`; absent in version 1,
 * whose indexes `migrateIndex` converts when they are opened).
 * 2: the archive path stored once, after the root's name (version 1 also kept
 * each real path whole), kind as a number, one offset (the end, as the rowid)
 * from which the others follow, no separate index, the MD5 as 16 bytes
 * (not 32 hex digits): 110-120 bytes an entry became about 50.
 */
export const INDEX_VERSION = "2";

/** Entry kinds as stored in `entries.kind`. */
export const KIND_CODES = { file: 0, dir: 1, symlink: 2 } as const;

/** The entries table as the current version makes it. */
export const ENTRIES_TABLE = `
-- end_offset is the rowid: the byte just after the entry's padding. Entries never share one
-- (each has a header), and they increase with id, so it is also the tape order.
-- path: the archive path after the root's name ("" for the root, "/a/b" below it); the real path is
-- the root's followed by it. data_offset = end_offset - size rounded up to 512 (0 for a directory or
-- a link); start_offset = data_offset - header_size, NULL for the one-block header of almost every entry.
CREATE TABLE IF NOT EXISTS entries (
  end_offset   INTEGER PRIMARY KEY,
  id           INTEGER NOT NULL,
  path         TEXT NOT NULL,
  kind         INTEGER NOT NULL CHECK (kind IN (0, 1, 2)),
  size         INTEGER NOT NULL,
  mtime_ns     INTEGER NOT NULL,
  mode         INTEGER NOT NULL,
  link_target  TEXT,
  header_size  INTEGER,
  md5          BLOB
) STRICT;
`;

export const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

${ENTRIES_TABLE}
CREATE TABLE IF NOT EXISTS uploads (
  target_id    TEXT PRIMARY KEY,
  fingerprint  TEXT NOT NULL,
  upload_id    TEXT NOT NULL,
  part_size    INTEGER NOT NULL,
  part_count   INTEGER NOT NULL,
  total_size   INTEGER NOT NULL,
  status       TEXT NOT NULL CHECK (status IN ('in-progress', 'completed')),
  created_at   TEXT NOT NULL,
  updated_at   TEXT NOT NULL,
  result       TEXT
) STRICT;

-- A createUpload under way, written before the server is asked and settled once its id is in
-- uploads: a row left over names an upload the server may hold that nobody would finish or abort.
CREATE TABLE IF NOT EXISTS upload_intents (
  id               INTEGER PRIMARY KEY,
  target_id        TEXT NOT NULL,
  fingerprint      TEXT NOT NULL,
  part_size        INTEGER NOT NULL,
  part_count       INTEGER NOT NULL,
  total_size       INTEGER NOT NULL,
  started_at       TEXT NOT NULL,
  last_attempt_at  TEXT NOT NULL
) STRICT;

-- What a target id writes to: the object, and the options that make an upload to it another upload
-- (S3's checksum kind is part of the id). A target id always names the same object and options,
-- so a row is written whenever a target is used and never goes stale.
CREATE TABLE IF NOT EXISTS target_objects (
  target_id  TEXT PRIMARY KEY,
  object_id  TEXT NOT NULL,
  options    TEXT NOT NULL
) STRICT;

CREATE TABLE IF NOT EXISTS upload_parts (
  target_id    TEXT NOT NULL REFERENCES uploads (target_id) ON DELETE CASCADE,
  part_number  INTEGER NOT NULL,
  start_offset INTEGER NOT NULL,
  end_offset   INTEGER NOT NULL,
  etag         TEXT NOT NULL,
  checksum     TEXT NOT NULL,
  uploaded_at  TEXT NOT NULL,
  PRIMARY KEY (target_id, part_number)
) STRICT;
`;
