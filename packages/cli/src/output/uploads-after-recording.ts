/**
 * `record --force` over an index with uploads in progress: what becomes of
 * each. An upload belongs to the tape it began with; recording again either
 * gives the same tape (nothing changed: the upload resumes) or another one
 * (the upload cannot resume: its parts hold the old bytes).
 */
import { openTape, type UploadRecord } from "@tartape/core/tape";

/** The uploads in progress in the index at `indexPath` of `dir`, before it is recorded again; none when there is no index. */
export function uploadsInProgress(dir: string, indexPath: string | undefined): UploadRecord[] {
  let tape;
  try {
    tape = openTape(dir, indexPath !== undefined ? { indexPath } : {});
  } catch {
    return []; // no index, or one the recording replaces whatever it holds
  }
  try {
    return tape.index.uploads().filter((u) => u.status === "in-progress");
  } finally {
    tape.close();
  }
}

/** One line per upload in progress: whether the next `tartape upload` resumes it, and if not what to run. */
export function describeUploadsAfterRecording(dir: string, uploads: readonly UploadRecord[], fingerprint: string): string {
  const lines = uploads.map((u) =>
    u.fingerprint === fingerprint
      ? `Note: the upload in progress to ${u.targetId} is of this same tape (nothing changed); \`tartape upload ${dir} <url>\` resumes it.`
      : `Warning: the upload in progress to ${u.targetId} is of the tape as recorded before (fingerprint ${u.fingerprint.slice(0, 12)}); ` +
        `the directory changed since, so it cannot be resumed. \`tartape upload ${dir} <url> --restart\` aborts it and uploads the new tape; ` +
        `\`tartape abort ${dir} <url>\` only discards it.`,
  );
  return lines.map((l) => `${l}\n`).join("");
}
