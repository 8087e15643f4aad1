/**
 * Every error tartape throws on purpose is a TartapeError with a stable `code`.
 * Messages say what happened and what the user can do about it; the CLI prints
 * them as they are.
 */
import { OPTION_WORDS } from "./option-words.js";

export type ErrorCode =
  | "INVALID_ARGUMENT"
  | "NOT_A_DIRECTORY"
  | "SOURCE_NOT_FOUND"
  | "UNREADABLE_ENTRY"
  | "UNSUPPORTED_NAME"
  | "INDEX_EXISTS"
  | "INDEX_NOT_FOUND"
  | "INDEX_INCOMPATIBLE"
  | "OFFSET_OUT_OF_RANGE"
  | "FILE_CHANGED"
  | "TAPE_CHANGED"
  | "UPLOAD_OPTIONS_CHANGED"
  | "PART_SIZE_INVALID"
  | "TAPE_TOO_LARGE"
  | "UPLOAD_ABORTED"
  | "INTEGRITY_MISMATCH"
  | "TARGET_NOT_FOUND"
  | "TARGET_AUTH"
  | "TARGET_UNREACHABLE"
  | "TARGET_URL_INVALID"
  | "TARGET_ERROR"
  | "TAPE_LOCKED"
  | "INDEX_DAMAGED"
  | "INDEX_UNWRITABLE"
  | "DISK_FULL"

  // Reading a tape back (remote/errors.ts).
  | "OBJECT_CHANGED"
  | "CATALOG_INVALID"
  | "ENTRY_NOT_FOUND"
  | "NOT_A_FILE"
  // Restoring a tape into a directory (restore/errors.ts).
  | "DESTINATION_NOT_EMPTY"
  | "ENTRIES_REFUSED";

export class TartapeError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

export class InvalidArgumentError extends TartapeError {
  constructor(message: string) {
    super("INVALID_ARGUMENT", message);
  }
}

export class SourceNotFoundError extends TartapeError {
  constructor(readonly path: string) {
    super("SOURCE_NOT_FOUND", `${path} does not exist. Check the path and try again.`);
  }
}

export class NotADirectoryError extends TartapeError {
  constructor(readonly path: string) {
    super("NOT_A_DIRECTORY", `${path} is not a directory. A tape is made of a directory; pass the folder that holds the file.`);
  }
}

export class UnreadableEntryError extends TartapeError {
  constructor(readonly paths: string[], cause?: unknown) {
    super(
      "UNREADABLE_ENTRY",
      `Cannot read ${paths.length === 1 ? paths[0] : `${paths.length} entries:\n  ${paths.slice(0, 20).join("\n  ")}`}` +
        ` (${describeCause(cause)}). ${unreadableRemedy(cause)} or leave ${paths.length === 1 ? "it" : "them"} out with ${OPTION_WORDS.exclude}.`,
      { cause },
    );
  }
}

/** What to do about an entry that cannot be read, by why it cannot. */
function unreadableRemedy(cause: unknown): string {
  const code = (cause as { code?: unknown } | null)?.code;
  if (code === "ENAMETOOLONG") return "Its path is longer than the system allows (PATH_MAX, 4096 bytes on Linux): shorten the folder names above it,";
  if (code === "ELOOP") return "Too many symbolic links lead to it: fix the links,";
  if (code === "EIO") return "The disk reported an input/output error: check the disk,";
  return "Fix the permissions,";
}

export class UnsupportedNameError extends TartapeError {
  constructor(readonly paths: string[]) {
    super(
      "UNSUPPORTED_NAME",
      `${paths.length} name(s) are not valid UTF-8 and cannot be recorded faithfully:\n  ${paths.slice(0, 20).join("\n  ")}\n` +
        "Rename them or exclude them; tartape never changes a name silently.",
    );
  }
}

export class IndexExistsError extends TartapeError {
  constructor(readonly indexPath: string) {
    super("INDEX_EXISTS", `${indexPath} already holds a recorded tape. Pass ${OPTION_WORDS.overwrite} to record it again.`);
  }
}

export class IndexNotFoundError extends TartapeError {
  constructor(readonly indexPath: string) {
    super("INDEX_NOT_FOUND", `No tape is recorded at ${indexPath}. Run \`tartape record <dir>\` first.`);
  }
}

export class IndexIncompatibleError extends TartapeError {
  constructor(readonly indexPath: string, found: string) {
    super("INDEX_INCOMPATIBLE", `${indexPath} was written by an incompatible version (format ${found}). Record the tape again with ${OPTION_WORDS.overwrite}.`);
  }
}

export class OffsetOutOfRangeError extends TartapeError {
  constructor(what: string, value: number, totalSize: number) {
    super(
      "OFFSET_OUT_OF_RANGE",
      `${what} ${value} is outside the tape, which is ${totalSize} bytes long. Use a whole number from 0 to ${totalSize}.`,
    );
  }
}

export type ChangeKind = "missing" | "size" | "mtime" | "kind" | "short-read" | "long-read" | "link-target";

export class FileChangedError extends TartapeError {
  constructor(readonly path: string, readonly change: ChangeKind, detail: string) {
    super(
      "FILE_CHANGED",
      `${path} changed since the tape was recorded (${change}: ${detail}). The stream was stopped so that no corrupt tape is written. ` +
        `Record the tape again (${OPTION_WORDS.overwrite} when recording, or ${OPTION_WORDS.restart} for an upload).`,
    );
  }
}

export class TapeChangedError extends TartapeError {
  constructor(message: string, readonly changedPaths: string[] = []) {
    super("TAPE_CHANGED", message);
  }
}

export class PartSizeError extends TartapeError {
  constructor(message: string) {
    super("PART_SIZE_INVALID", message);
  }
}

export class TapeTooLargeError extends TartapeError {
  constructor(message: string) {
    super("TAPE_TOO_LARGE", message);
  }
}

export class UploadAbortedError extends TartapeError {
  constructor(reason?: unknown) {
    super("UPLOAD_ABORTED", "The upload was cancelled. Run the same command again to resume it.", { cause: reason });
  }
}

export class IntegrityMismatchError extends TartapeError {
  constructor(message: string) {
    super("INTEGRITY_MISMATCH", message);
  }
}

/** Errors a target maps its service's failures to, so callers never parse SDK errors. */
export class TargetError extends TartapeError {
  /** True when trying the same request again may succeed (5xx, throttling, resets, timeouts). */
  readonly retryable: boolean;

  constructor(code: ErrorCode, message: string, options: { retryable?: boolean; cause?: unknown } = {}) {
    super(code, message, { cause: options.cause });
    this.retryable = options.retryable ?? false;
  }
}

export function describeCause(cause: unknown): string {
  if (cause && typeof cause === "object" && "code" in cause && typeof cause.code === "string") return cause.code;
  if (cause instanceof Error) return cause.message;
  return String(cause);
}

/** Who holds a tape lock, as far as its lock file says. */
export interface LockHolderInfo {
  readonly pid: number;
  readonly host: string;
  readonly since: string;
  readonly purpose?: string;
}

export class TapeLockedError extends TartapeError {
  constructor(readonly lockPath: string, readonly holder: LockHolderInfo | undefined) {
    const who = holder
      ? `pid ${holder.pid} on ${holder.host}, since ${holder.since}${holder.purpose ? `, ${holder.purpose}` : ""}`
      : "a process that is still writing the lock file";
    super(
      "TAPE_LOCKED",
      `Another tartape process is writing this tape (${who}; lock ${lockPath}). Nothing was changed. ` +
        "Wait for it to finish (or stop it), then run the same command again; a lock left by a process that died is taken over automatically.",
    );
  }
}

export class IndexDamagedError extends TartapeError {
  constructor(readonly indexPath: string, detail: string, recovery: string, options?: { cause?: unknown }) {
    super("INDEX_DAMAGED", `The index ${indexPath} ${detail} ${recovery}`, options);
  }
}

export class IndexUnwritableError extends TartapeError {
  constructor(readonly indexPath: string, cause: unknown) {
    super(
      "INDEX_UNWRITABLE",
      `Cannot write the index ${indexPath} (${describeCause(cause)}): its folder is read-only or not yours. ` +
        "Keep the index somewhere writable with --index <path> (library: indexPath), e.g. --index ~/tartape-indexes/<name>.db.",
      { cause },
    );
  }
}

export class DiskFullError extends TartapeError {
  constructor(readonly where: string, readonly what: string, cause: unknown) {
    super(
      "DISK_FULL",
      `No space left on the device holding ${where} (${what}). Free some space there and run the same command again: it resumes where it stopped.`,
      { cause },
    );
  }
}
