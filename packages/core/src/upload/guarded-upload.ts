/**
 * uploadTape as callers use it: the upload (upload-tape.ts) run under the
 * tape's lock, with the index checked first and watched throughout, and its
 * failures mapped onto typed errors that say what to do.
 */
import path from "node:path";
import { IndexDamagedError } from "../errors.js";
import { checkIndexIntegrity, indexFailure } from "../index/index-errors.js";
import { withTapeLock } from "../lock/tape-lock.js";
import { checkRate } from "./rate-limit.js";
import { defaultIndexPath } from "../record.js";
import { assertDirectory } from "../tape/tape.js";
import { IndexWatch } from "./index-watch.js";
import type { Target } from "./target.js";
import { uploadTapeHoldingLock, type UploadEvent, type UploadOptions, type UploadResult } from "./upload-tape.js";

/**
 * Uploads the tape of `dir` to `target`, holding the tape's lock throughout:
 * a second writer of the same index (another upload, a record, an abort)
 * fails with TapeLockedError naming this one, and touches nothing. Failures
 * of the index itself (damaged, deleted meanwhile, its disk full or
 * read-only) come out as typed errors that say what to do.
 */
export async function uploadTape(dir: string, target: Target, options: UploadOptions = {}): Promise<UploadResult> {
  const root = path.resolve(dir);
  assertDirectory(root);
  // Bad options fail before the lock, which creates the index's folder.
  if (options.bytesPerSecond !== undefined) checkRate(options.bytesPerSecond);
  const place = { dir: root, indexPath: path.resolve(options.indexPath ?? defaultIndexPath(root)), defaultIndexPath: defaultIndexPath(root) };
  try {
    return await withTapeLock(place.indexPath, `upload to ${target.id}`, () => {
      checkIndexIntegrity(place);
      return uploadWatchingIndex(root, target, options, place.indexPath);
    });
  } catch (err) {
    throw indexFailure(place, err);
  }
}

/** The upload, stopped with IndexDamagedError if its index is deleted while it runs. */
async function uploadWatchingIndex(root: string, target: Target, options: UploadOptions, indexPath: string): Promise<UploadResult> {
  const watch = new IndexWatch(indexPath);
  let uploadId: string | undefined;
  const onEvent = (event: UploadEvent): void => {
    watch.notice();
    if (event.type === "upload-created" || event.type === "upload-resumed") uploadId = event.uploadId;
    options.onEvent?.(event);
  };
  const signal = options.signal ? AbortSignal.any([options.signal, watch.signal]) : watch.signal;
  try {
    return await uploadTapeHoldingLock(root, target, { ...options, signal, onEvent });
  } catch (err) {
    if (!options.signal?.aborted && watch.deleted) throw indexDeletedError(indexPath, target, uploadId, err);
    throw err;
  } finally {
    watch.stop();
  }
}

function indexDeletedError(indexPath: string, target: Target, uploadId: string | undefined, cause: unknown): IndexDamagedError {
  const held = uploadId !== undefined ? `${target.id} still holds upload ${uploadId} with the parts sent so far, which no index records now; ` : "";
  return new IndexDamagedError(
    indexPath,
    `was deleted while the upload to ${target.id} ran, so the upload was stopped (SQLite would have gone on recording parts in a file no run can open again).`,
    `${held}run the same command again: it records the directory again and uploads from the start.`,
    { cause },
  );
}
