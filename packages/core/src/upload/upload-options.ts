/**
 * Options that make an upload another upload: a different part size cuts the
 * tape into other parts, and a different S3 checksum kind is another
 * multipart upload of the same object (its parts must all carry the same
 * kind). A run never switches silently: with an upload in progress it is
 * refused, naming the options that continue that upload, unless restart was
 * asked for, which aborts that upload first and says so. Otherwise the old
 * upload would stay on the server, stored (and on S3 billed), with nobody to
 * finish or abort it.
 */
import type { UploadRecord } from "../index/tape-index.js";
import { UploadOptionsChangedError } from "../upload-options-error.js";
import type { Tape } from "../tape/tape.js";
import { uploadContext } from "./context.js";
import { planParts } from "./plan.js";
import { withRetry, type RetryPolicy } from "./retry.js";
import type { Target } from "./target.js";

/**
 * Before resuming `state`: the part size asked for (if any) must plan the
 * parts the upload began with. A size the planner raised to fit the target's
 * limits counts as the same when it plans the same parts.
 */
export function checkPartSize(state: UploadRecord, target: Target, requested: number | undefined, fixedPartSize: boolean | undefined): void {
  if (requested === undefined) return;
  const plan = planParts({ totalSize: state.totalSize, limits: target.limits, partSize: requested, fixedPartSize });
  if (plan.partSize === state.partSize) return;
  throw new UploadOptionsChangedError(target.id, state, [{ option: "partSize", inProgress: String(state.partSize), requested: String(requested) }]);
}

/** What settleOtherOptions did: the uploads to the same object with other options that restart aborted. */
export interface ReplacedUpload {
  readonly targetId: string;
  readonly uploadId: string;
  readonly options: Readonly<Record<string, string>>;
}

/**
 * Uploads recorded for the same object under other options (another target
 * id): one in progress is refused, or with `restart` aborted; completed ones
 * are forgotten, since this run's upload now speaks for the object.
 */
export async function settleOtherOptions(
  tape: Tape,
  target: Target,
  options: { readonly restart?: boolean | undefined; readonly retry?: RetryPolicy | undefined; readonly signal?: AbortSignal | undefined },
): Promise<ReplacedUpload[]> {
  const object = target.objectIdentity;
  if (!object) return [];
  const index = tape.index;
  index.describeTarget(target.id, object);
  const others = index.uploadsOfObject(object.id).filter((u) => u.targetId !== target.id);
  const optionsOf = (u: UploadRecord) => index.targetObject(u.targetId)?.options ?? {};
  const inProgress = others.filter((u) => u.status === "in-progress");
  const first = inProgress[0];
  if (first && !options.restart) {
    const theirs = optionsOf(first);
    const names = [...new Set([...Object.keys(theirs), ...Object.keys(object.options)])].sort();
    const differences = names
      .filter((name) => theirs[name] !== object.options[name])
      .map((name) => ({ option: name, inProgress: theirs[name] ?? "", requested: object.options[name] ?? "" }));
    throw new UploadOptionsChangedError(target.id, first, differences);
  }
  const replaced: ReplacedUpload[] = [];
  for (const u of inProgress) {
    // The upload's own fingerprint and plan: the tape may have been recorded again since it began.
    const ctx = uploadContext(tape, u, options.signal);
    await withRetry(() => target.abort(u.uploadId, ctx), options.retry, { signal: options.signal });
    index.deleteUpload(u.targetId);
    replaced.push({ targetId: u.targetId, uploadId: u.uploadId, options: optionsOf(u) });
  }
  for (const u of others) if (u.status === "completed") index.deleteUpload(u.targetId);
  return replaced;
}
