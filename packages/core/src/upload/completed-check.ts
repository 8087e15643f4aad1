/**
 * Before an upload the index calls completed is reported "already complete",
 * both halves of that claim are checked: the destination still holds this
 * tape (one HEAD / properties call, or a read-back of a local file), and the
 * directory is still what was recorded (the stat pass a resume makes).
 */
import { TapeChangedError } from "../errors.js";
import { OPTION_WORDS } from "../option-words.js";
import type { UploadRecord } from "../index/tape-index.js";
import type { Tape } from "../tape/tape.js";
import { uploadContext } from "./context.js";
import { withRetry, type RetryPolicy } from "./retry.js";
import type { CompletedObject, Target } from "./target.js";

/**
 * Stats every entry against the index (no content read): what changed since
 * recording. A directory's new mtime is not a change here: its header comes
 * from the index and its files are checked one by one.
 */
export async function changedPaths(tape: Tape): Promise<string[]> {
  const report = await tape.verify({ full: true });
  return report.differences.filter((d) => !(d.kind === "dir" && d.change === "mtime")).map((d) => `${d.path} (${d.change})`);
}

/** How many changed paths a message lists before it says "and N more". */
const LISTED = 20;

export function listPaths(paths: readonly string[]): string {
  const more = paths.length > LISTED ? `\n  … and ${paths.length - LISTED} more` : "";
  return `  ${paths.slice(0, LISTED).join("\n  ")}${more}`;
}

/**
 * The object the completed upload made, when the destination still holds it
 * and the directory has not changed since it was recorded; null when the
 * object is gone or holds something else (the caller uploads the tape again).
 * A changed directory is a TapeChangedError: the destination holds the tape
 * as it was, and only the user can say whether it should be replaced.
 */
export async function confirmCompleted(
  root: string,
  tape: Tape,
  target: Target,
  state: UploadRecord,
  options: { readonly retry?: RetryPolicy | undefined; readonly signal?: AbortSignal | undefined },
): Promise<CompletedObject | null> {
  const recorded = (state.result as CompletedObject | null) ?? { size: state.totalSize };
  // A target that cannot look (none of the built-in ones) leaves the index's word as the only one.
  let held: CompletedObject | null = recorded;
  if (target.findCompleted) {
    const find = target.findCompleted.bind(target);
    // The upload's own fingerprint and plan: the tape may have been recorded again since.
    const ctx = uploadContext(tape, state, options.signal);
    held = await withRetry(() => find(ctx, recorded), options.retry, { signal: options.signal });
  }
  if (held === null) return null;

  if (state.fingerprint !== tape.fingerprint) {
    throw new TapeChangedError(
      `${target.id} holds the tape of ${root} as it was when uploaded (fingerprint ${state.fingerprint.slice(0, 12)}), but the directory has been ` +
        `recorded again since and now makes another tape (fingerprint ${tape.fingerprint.slice(0, 12)}): its files changed. ` +
        `The destination was left as it is. Run again with ${OPTION_WORDS.restart} to upload the directory as it is now, replacing it.`,
    );
  }
  const changed = await changedPaths(tape);
  if (changed.length > 0) {
    throw new TapeChangedError(
      `${target.id} holds the tape of ${root} as it was recorded, but ${changed.length} path(s) changed since:\n${listPaths(changed)}\n` +
        `The destination was left as it is. Run again with ${OPTION_WORDS.restart} to record the directory again and upload it, replacing it.`,
      changed,
    );
  }
  return held;
}
