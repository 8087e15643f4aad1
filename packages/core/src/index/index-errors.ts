/** What a failed write to the index means for the user: a read-only place, or a full disk. */
import { DiskFullError, IndexUnwritableError } from "../errors.js";

const READ_ONLY = new Set(["EACCES", "EPERM", "EROFS"]);
const FULL = new Set(["ENOSPC", "EDQUOT"]);

/** The system call's error code, or SQLite's extended code mapped onto one. */
function failureCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== "string") return undefined;
  if (code === "SQLITE_FULL") return "ENOSPC";
  if (code === "SQLITE_READONLY" || code.startsWith("SQLITE_READONLY_") || code === "SQLITE_CANTOPEN" || code === "SQLITE_PERM") return "EACCES";
  return code;
}

/** The typed error for a failed write to the index at `indexPath`, or `err` itself when it is neither. */
export function indexWriteError(indexPath: string, err: unknown): unknown {
  const code = failureCode(err);
  if (code !== undefined && FULL.has(code)) return new DiskFullError(indexPath, "the index", err);
  if (code !== undefined && READ_ONLY.has(code)) return new IndexUnwritableError(indexPath, err);
  return err;
}
