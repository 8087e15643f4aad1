/**
 * Converts an index whose entries table is of version 1 (every real path
 * stored whole, kind as text, three offsets and an index on the end, MD5s as
 * hex text) to the current one, in place and in one transaction, when it is
 * opened: the tape, its fingerprint and the upload state in the index stay as
 * they were, so an upload begun before resumes after. Takes a few seconds on
 * a million entries, once.
 */
import type Database from "better-sqlite3";
import { INDEX_VERSION, KIND_CODES } from "./schema.js";

/** The columns of the entries table as created by version 1. */
function isVersion1(db: Database.Database): boolean {
  const columns = db.prepare("PRAGMA table_info(entries)").all() as Array<{ name: string }>;
  return columns.some((c) => c.name === "arc_path");
}

/**
 * Brings the entries table of `db` to the current version when it is of an
 * earlier one; `createEntries` is the statement that creates the current table.
 */
export function migrateIndex(db: Database.Database, createEntries: string): void {
  if (!isVersion1(db)) return;
  db.transaction(() => {
    db.exec("ALTER TABLE entries RENAME TO entries_v1; DROP INDEX IF EXISTS entries_by_end;");
    db.exec(createEntries);
    // The root is entry 0: every archive path starts with its archive path, which is kept
    // once (meta root_arc) rather than in every row.
    const root = db.prepare("SELECT arc_path FROM entries_v1 WHERE id = 0").get() as { arc_path: string } | undefined;
    if (root !== undefined) {
      db.prepare(
        `INSERT INTO entries (end_offset, id, path, kind, size, mtime_ns, mode, link_target, header_size, md5)
         SELECT end_offset, id, substr(arc_path, length(?) + 1),
                CASE kind WHEN 'file' THEN ${KIND_CODES.file} WHEN 'dir' THEN ${KIND_CODES.dir} ELSE ${KIND_CODES.symlink} END,
                size, mtime_ns, mode, link_target,
                CASE WHEN data_offset - start_offset = 512 THEN NULL ELSE data_offset - start_offset END, unhex(md5)
         FROM entries_v1 ORDER BY id`,
      ).run(root.arc_path);
      db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('root_arc', ?)").run(root.arc_path);
    }
    db.exec("DROP TABLE entries_v1");
    db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('index_version', ?)").run(INDEX_VERSION);
  })();
}
