/**
 * What a failure of the index means for the user: a read-only place, a full
 * disk, or a damaged (or deleted) file, each a typed error that says what to
 * do, instead of SQLite's or the system's own words.
 */
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { DiskFullError, IndexDamagedError, IndexUnwritableError, TartapeError } from "../errors.js";

const READ_ONLY = new Set(["EACCES", "EPERM", "EROFS"]);
const FULL = new Set(["ENOSPC", "EDQUOT"]);
/** SQLite's words for a file that is not (any more) a sound database. */
const DAMAGED = new Set(["SQLITE_CORRUPT", "SQLITE_NOTADB", "SQLITE_CORRUPT_INDEX", "SQLITE_CORRUPT_SEQUENCE", "SQLITE_CORRUPT_VTAB", "SQLITE_IOERR_SHORT_READ"]);

function errorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

/** The system call's error code, or SQLite's extended code mapped onto one. */
function failureCode(err: unknown): string | undefined {
  const code = errorCode(err);
  if (code === undefined) return undefined;
  if (code === "SQLITE_FULL") return "ENOSPC";
  if (code === "SQLITE_READONLY" || code.startsWith("SQLITE_READONLY_") || code === "SQLITE_CANTOPEN" || code === "SQLITE_PERM") return "EACCES";
  return code;
}

/** Below this much free space, an I/O error of SQLite's is taken for a full disk (SQLite does not pass on the errno). */
const NEARLY_FULL_BYTES = 256 * 1024;

function nearlyFull(indexPath: string): boolean {
  try {
    const { bavail, bsize } = fs.statfsSync(path.dirname(indexPath));
    return bavail * bsize < NEARLY_FULL_BYTES;
  } catch {
    return false;
  }
}

/** The typed error for a failed write to the index at `indexPath`, or `err` itself when it is neither. */
export function indexWriteError(indexPath: string, err: unknown): unknown {
  if (err instanceof TartapeError) return err;
  const sqliteCode = errorCode(err);
  if (sqliteCode?.startsWith("SQLITE_IOERR") && nearlyFull(indexPath)) return new DiskFullError(indexPath, "the index", err);
  const code = failureCode(err);
  if (code !== undefined && FULL.has(code)) return new DiskFullError(indexPath, "the index", err);
  if (code !== undefined && READ_ONLY.has(code)) return new IndexUnwritableError(indexPath, err);
  return err;
}

export function isDamagedIndexError(err: unknown): boolean {
  const code = errorCode(err);
  return code !== undefined && DAMAGED.has(code);
}

interface KnownUpload {
  readonly targetId: string;
  readonly uploadId: string;
}

/** The unfinished uploads a damaged index still lets us read, or null when it cannot be read at all. */
function unfinishedUploads(indexPath: string): KnownUpload[] | null {
  let db: Database.Database | undefined;
  try {
    db = new Database(indexPath, { readonly: true, fileMustExist: true });
    const rows = db.prepare("SELECT target_id, upload_id FROM uploads WHERE status = 'in-progress' ORDER BY created_at").all() as Array<{ target_id: string; upload_id: string }>;
    return rows.map((r) => ({ targetId: r.target_id, uploadId: r.upload_id }));
  } catch {
    return null;
  } finally {
    db?.close();
  }
}

/** `tartape <command> <dir>` with `--index` when the index is not in its default place. */
function command(words: string, dir: string, indexPath: string, defaultPath: string): string {
  return `tartape ${words} ${dir}${indexPath === defaultPath ? "" : ` --index ${indexPath}`}`;
}

export interface IndexPlace {
  readonly dir: string;
  readonly indexPath: string;
  readonly defaultIndexPath: string;
}

/** IndexDamagedError for a damaged index: what it means for the uploads it recorded, and how to recover. */
export function damagedIndexError(place: IndexPlace, cause: unknown): IndexDamagedError {
  const { dir, indexPath } = place;
  const uploads = unfinishedUploads(indexPath);
  // quick_check reports on several lines; the error is one.
  const what = (cause instanceof Error ? cause.message : String(cause)).replace(/\s+/g, " ").trim();
  const record = command("record --force", dir, indexPath, place.defaultIndexPath);
  let consequence: string;
  if (uploads === null) {
    consequence =
      "The uploads it recorded as in progress can no longer be resumed or aborted from it; the parts they sent stay on the server until it discards them (on S3, set a lifecycle rule for incomplete multipart uploads).";
  } else if (uploads.length === 0) {
    consequence = "It recorded no unfinished upload, so nothing on a server depends on it.";
  } else {
    const list = uploads.map((u) => `${u.targetId} (upload ${u.uploadId})`).join(", ");
    consequence = `It still shows unfinished uploads to ${list}: abort them first with \`${command("abort", dir, indexPath, place.defaultIndexPath)} <url>\` while it can be read, or their parts stay on the server.`;
  }
  return new IndexDamagedError(
    indexPath,
    `is damaged (${what}).`,
    `${consequence} Then record the tape again with \`${record}\`, which sets the damaged file aside, and upload again: uploads start over.`,
    { cause },
  );
}

/** Maps `err` onto a typed index error when it is one; otherwise returns it as it is. */
export function indexFailure(place: IndexPlace, err: unknown): unknown {
  if (err instanceof TartapeError) return err;
  if (isDamagedIndexError(err)) return damagedIndexError(place, err);
  return indexWriteError(place.indexPath, err);
}

/**
 * Moves a damaged index and its side files aside (`<name>.damaged-<time>`)
 * so that a new one can be recorded in its place; returns where it went.
 */
export function setDamagedIndexAside(indexPath: string): string {
  const aside = `${indexPath}.damaged-${new Date().toISOString().replace(/[:.]/g, "-")}`;
  for (const suffix of ["", "-wal", "-shm", "-journal"]) {
    try {
      fs.renameSync(indexPath + suffix, aside + suffix);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw indexWriteError(indexPath, err);
    }
  }
  return aside;
}

/**
 * What SQLite's quick_check finds wrong with the index (every page and
 * B-tree, not the indexes' contents), or undefined when it finds nothing or
 * the file is not there. A page overwritten anywhere is found this way
 * before an upload sends or records anything, rather than halfway through.
 */
function quickCheck(indexPath: string): { problem: string; cause: unknown } | undefined {
  if (!fs.existsSync(indexPath)) return undefined;
  let db: Database.Database | undefined;
  try {
    db = new Database(indexPath, { readonly: true, fileMustExist: true });
    const rows = db.pragma("quick_check(1)") as Array<{ quick_check: string }>;
    const result = rows[0]?.quick_check ?? "ok";
    return result === "ok" ? undefined : { problem: result, cause: new Error(result) };
  } catch (err) {
    if (isDamagedIndexError(err)) return { problem: (err as Error).message, cause: err };
    // Anything else (a lock, a missing side file) is left to the open that follows, which says what it is.
    return undefined;
  } finally {
    db?.close();
  }
}

/** Throws IndexDamagedError when quick_check finds the index damaged. */
export function checkIndexIntegrity(place: IndexPlace): void {
  const found = quickCheck(place.indexPath);
  if (found !== undefined) throw damagedIndexError(place, found.cause);
}

export function indexIsDamaged(indexPath: string): boolean {
  return quickCheck(indexPath) !== undefined;
}
