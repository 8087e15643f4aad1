/** Errors of restoring a tape into a directory. */
import { TartapeError } from "../errors.js";

/** The destination holds files and this is not the resume of an earlier restore of the same tape. */
export class DestinationNotEmptyError extends TartapeError {
  constructor(readonly dir: string, why: string) {
    super("DESTINATION_NOT_EMPTY", `${dir} ${why}. Restore into an empty or new folder, or pass --overwrite to replace the files the tape holds.`);
  }
}

/** One entry the restore would not write, and why (an unsafe path, a link escaping the destination, a device). */
export interface RefusedEntry {
  readonly path: string;
  readonly reason: string;
}

/** The restore finished, but left out entries that were unsafe to write. */
export class EntriesRefusedError extends TartapeError {
  constructor(readonly refused: readonly RefusedEntry[], readonly dir: string) {
    const shown = refused.slice(0, 20).map((r) => `  ${JSON.stringify(r.path)}: ${r.reason}`);
    if (refused.length > shown.length) shown.push(`  ... and ${refused.length - shown.length} more`);
    super(
      "ENTRIES_REFUSED",
      `Restored into ${dir}, but refused ${refused.length} unsafe entr${refused.length === 1 ? "y" : "ies"} (nothing was written for ${refused.length === 1 ? "it" : "them"}):\n${shown.join("\n")}\n` +
        "The tape was not made by tartape from a plain folder, or it was tampered with; inspect it with `tartape ls <url>`.",
    );
  }
}

/** The destination could not be written (permissions, a read-only file system; a full disk is DiskFullError): what is in place stays, and a rerun resumes. */
export class DestinationWriteError extends TartapeError {
  constructor(readonly dir: string, cause: NodeJS.ErrnoException) {
    super("TARGET_ERROR", `Cannot write into ${dir}: ${cause.message}. What was restored so far is kept and recorded; fix the folder and run the same command again to resume.`, { cause });
  }
}
