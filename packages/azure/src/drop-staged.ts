/**
 * Azure cannot delete uncommitted blocks, only drop them all when the blob is
 * committed or deleted. So discarding them commits an empty block list, only
 * if no blob is committed at the name (a blob committed meanwhile already
 * dropped them), marked with the upload id, and deletes that empty blob if it
 * is still the one committed. Shared by the target's abort and `cleanup`.
 * Failures other than those outcomes are thrown as the SDK gave them.
 */
import type { BlockBlobClient } from "@azure/storage-blob";
import { errorCodeOf } from "./azure-errors.js";

/** Marks the empty blob committed to make Azure drop the staged blocks, until it is deleted. */
export const ABORT_MARKER_METADATA = "tartape_aborting";

/** Sends one request with the signal it should stop on (the caller's timeout and cancellation). */
export type Send = <T>(request: (signal: AbortSignal) => Promise<T>) => Promise<T>;

export async function dropStagedBlocks(blob: BlockBlobClient, uploadId: string, send: Send): Promise<void> {
  let emptyBlobEtag: string | undefined;
  try {
    const committed = await send((signal) => blob.commitBlockList([], { conditions: { ifNoneMatch: "*" }, metadata: { [ABORT_MARKER_METADATA]: uploadId }, abortSignal: signal }));
    emptyBlobEtag = committed.etag;
  } catch (err) {
    const code = errorCodeOf(err);
    if (code === "BlobAlreadyExists" || code === "ConditionNotMet") return;
    throw err;
  }
  await deleteIfUnchanged(blob, emptyBlobEtag, send);
}

/** Deletes the blob if its ETag is still `etag`; one already gone, or replaced by another writer since, is not ours to delete any more. */
export async function deleteIfUnchanged(blob: BlockBlobClient, etag: string | undefined, send: Send): Promise<void> {
  try {
    await send((signal) => blob.delete({ ...(etag ? { conditions: { ifMatch: etag } } : {}), abortSignal: signal }));
  } catch (err) {
    const code = errorCodeOf(err);
    if (code === "BlobNotFound" || code === "ConditionNotMet") return;
    throw err;
  }
}
