/**
 * Exit codes, stable for scripts:
 *   0    success
 *   1    operational failure: the destination failed, a file changed, verify found differences, an unexpected error
 *   2    bad input or usage: unknown option, bad size/offset/URL, missing or wrong directory, no tape recorded yet
 *   130  interrupted by SIGINT (Ctrl-C), 143 by SIGTERM: run the same command again to resume
 */
import os from "node:os";
import { TartapeError, type ErrorCode } from "@tartape/core/tape";
import { InterruptedError } from "./interrupted-error.js";

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** Errors the user fixes by changing the command or the directory, not by trying again. */
const USAGE_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  "INVALID_ARGUMENT",
  "NOT_A_DIRECTORY",
  "SOURCE_NOT_FOUND",
  "UNREADABLE_ENTRY",
  "UNSUPPORTED_NAME",
  "INDEX_EXISTS",
  "INDEX_NOT_FOUND",
  "OFFSET_OUT_OF_RANGE",
  "PART_SIZE_INVALID",
  "TAPE_TOO_LARGE",
  "TARGET_URL_INVALID",
  "ENTRY_NOT_FOUND",
  "NOT_A_FILE",
  "UPLOAD_OPTIONS_CHANGED",
  "INDEX_UNWRITABLE",
  "DESTINATION_NOT_EMPTY",
]);

/** The shell's convention for a process ended by a signal: 128 + its number. */
export function exitCodeForSignal(signal: NodeJS.Signals): number {
  return 128 + (os.constants.signals[signal] ?? 0);
}

export function exitCodeFor(err: unknown): number {
  if (err instanceof InterruptedError) return exitCodeForSignal(err.signal);
  if (err instanceof TartapeError && USAGE_CODES.has(err.code)) return EXIT_USAGE;
  return EXIT_FAILURE;
}
