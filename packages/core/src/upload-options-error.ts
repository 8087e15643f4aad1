/**
 * The error for a run whose options would make another upload than the one
 * in progress (upload/upload-options.ts). Kept with the tape half's errors so
 * the CLI can word it without loading the upload driver.
 */
import { TartapeError } from "./errors.js";
import { formatBytes } from "./format-bytes.js";
import type { UploadRecord } from "./index/tape-index.js";
import { OPTION_WORDS } from "./option-words.js";

/** One option whose value differs between the upload in progress and this run. */
export interface OptionDifference {
  /** The option's name in the library: `partSize`, or a Target.objectIdentity option such as `checksum`. */
  readonly option: string;
  /** Its value in the upload in progress (part sizes in bytes). */
  readonly inProgress: string;
  /** Its value in this run. */
  readonly requested: string;
}

/** How one option with one value is written: `partSize: 8388608 (8 MiB)` in the library, `--part-size 8MiB` on the command line. */
export type OptionWords = (option: string, value: string) => string;

export const libraryOptionWords: OptionWords = (option, value) =>
  option === "partSize" ? `partSize: ${value} (${formatBytes(Number(value))})` : `${option}: ${JSON.stringify(value)}`;

export class UploadOptionsChangedError extends TartapeError {
  constructor(
    /** The destination as this run names it. */
    readonly targetId: string,
    /** The upload in progress: its target id (which may carry its options) and upload id. */
    readonly inProgress: Pick<UploadRecord, "targetId" | "uploadId">,
    readonly differences: readonly OptionDifference[],
  ) {
    super("UPLOAD_OPTIONS_CHANGED", "");
    this.message = this.describe(libraryOptionWords, OPTION_WORDS.restart);
  }

  /** The message, with options written as `words` writes them and restart as `restart`. */
  describe(words: OptionWords, restart: string): string {
    const theirs = this.differences.map((d) => words(d.option, d.inProgress)).join(" ");
    const ours = this.differences.map((d) => words(d.option, d.requested)).join(" ");
    return (
      `An upload to ${this.targetId} is in progress (upload ${this.inProgress.uploadId}) with ${theirs}; this run asks for ${ours}, ` +
      "which would be another upload and leave that one's parts stored on the server. " +
      `Run again with ${theirs} to continue it, or with ${restart} to abort it and start over with ${ours}.`
    );
  }
}
