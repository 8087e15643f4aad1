/**
 * The SQLite schema of `.tartape/index.db`. Entries are stored in tape order
 * with their byte ranges; `entries_by_end` makes "which entry holds byte N" a
 * B-tree lookup. Upload state lives beside them, keyed by target id.
 *
 * Tables added later are created on open by CREATE TABLE IF NOT EXISTS, so
 * FORMAT_VERSION changes only when existing tables change: an index of an
 * earlier version gains the new tables empty, and an earlier version ignores them.
 */
export const FORMAT_VERSION = "tartape-ts/1";

export const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

CREATE TABLE IF NOT EXISTS entries (
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
CREATE UNIQUE INDEX IF NOT EXISTS entries_by_end ON entries (end_offset);

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
