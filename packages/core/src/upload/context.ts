/** The UploadContext every target call gets, built one way for a new upload and for one read back from the index. */
import type { Tape } from "../tape/tape.js";
import type { PartPlan } from "./plan.js";
import type { UploadContext } from "./target.js";

/**
 * What an upload was planned with. An UploadRecord (or an intent) carries the
 * fingerprint and size of the tape it began with, which differ from the open
 * tape's once the directory was recorded again; a fresh plan carries neither
 * and takes the tape's.
 */
export type UploadPlan = PartPlan & { readonly fingerprint?: string; readonly totalSize?: number };

export function uploadContext(tape: Tape, upload: UploadPlan, signal?: AbortSignal): UploadContext {
  const fingerprint = upload.fingerprint ?? tape.fingerprint;
  return {
    fingerprint,
    totalSize: upload.totalSize ?? tape.totalSize,
    partSize: upload.partSize,
    partCount: upload.partCount,
    tapeName: tapeNameFor(tape, fingerprint),
    signal: signal ?? new AbortController().signal,
  };
}

/**
 * Tape.tapeName is `{basename}_{first 8 hex of the fingerprint}`; an upload
 * begun before a re-recording keeps the name of the tape it began with, so
 * targets that name temporaries after it find them again.
 */
function tapeNameFor(tape: Tape, fingerprint: string): string {
  if (fingerprint === tape.fingerprint) return tape.tapeName;
  const stem = tape.tapeName.slice(0, tape.tapeName.length - tape.fingerprint.slice(0, 8).length);
  return stem + fingerprint.slice(0, 8);
}
