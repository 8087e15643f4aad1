/**
 * Multipart uploads of the key that CreateMultipartUpload started but whose
 * ids the index never recorded (a run killed at that moment, or an answer lost
 * and the call sent again). ListMultipartUploads gives each upload's key, id
 * and initiation time, not the metadata set at create time: the time narrows
 * the candidates to uploads of this very key initiated while the driver was
 * creating one, and the marker part (ownership-marker.ts) proves which of them
 * are ours. Only those are aborted: another writer's upload of the same key,
 * begun in the same window, carries no marker of ours and is left alone.
 */
import { AbortMultipartUploadCommand, ListMultipartUploadsCommand, type S3Client } from "@aws-sdk/client-s3";
import { TargetError, type UnrecordedCreation } from "@tartape/core";
import { isS3Error } from "./errors.js";
import { holdsMarker, type MarkerScope } from "./ownership-marker.js";

/**
 * How far the server's Initiated time may lie from this machine's clock
 * around an attempt: S3 and MinIO refuse requests signed more than 15 minutes
 * off their clock (RequestTimeTooSkewed), and one CreateMultipartUpload may
 * last up to the client's 120 s socket timeout.
 */
export const INITIATED_TOLERANCE_MS = (15 * 60 + 120) * 1000;

export interface UploadScope extends MarkerScope {
  readonly client: S3Client;
  readonly bucket: string;
  readonly key: string;
  readonly signal: AbortSignal;
  /** Maps a failed call onto tartape's errors. */
  readonly failure: (err: unknown, operation: string, uploadId?: string) => Error;
}

/** The ids of the key's uploads that `creation` may have started. */
export async function unrecordedUploads(scope: UploadScope, creation: UnrecordedCreation): Promise<string[]> {
  const from = creation.startedAt.getTime() - INITIATED_TOLERANCE_MS;
  const to = creation.lastAttemptAt.getTime() + INITIATED_TOLERANCE_MS;
  const found: string[] = [];
  let keyMarker: string | undefined;
  let uploadIdMarker: string | undefined;
  for (;;) {
    let out;
    try {
      out = await scope.client.send(
        new ListMultipartUploadsCommand({ Bucket: scope.bucket, Prefix: scope.key, KeyMarker: keyMarker, UploadIdMarker: uploadIdMarker }),
        { abortSignal: scope.signal },
      );
    } catch (err) {
      throw scope.failure(err, "ListMultipartUploads");
    }
    for (const upload of out.Uploads ?? []) {
      // The prefix matches longer keys too.
      if (upload.Key !== scope.key || !upload.UploadId || !upload.Initiated) continue;
      const initiated = upload.Initiated.getTime();
      if (initiated >= from && initiated <= to && !creation.keep.includes(upload.UploadId)) found.push(upload.UploadId);
    }
    if (!out.IsTruncated) return found;
    // A listing that says "more" without moving forward would loop forever.
    if (out.NextKeyMarker === keyMarker && out.NextUploadIdMarker === uploadIdMarker) {
      throw new TargetError("TARGET_ERROR", `The multipart upload listing of s3://${scope.bucket}/${scope.key} said it was truncated without a next marker.`, { retryable: true });
    }
    keyMarker = out.NextKeyMarker;
    uploadIdMarker = out.NextUploadIdMarker;
  }
}

/** Aborts the uploads `creation` left unrecorded, those that hold its marker; returns their ids. */
export async function abortUnrecordedUploads(scope: UploadScope, creation: UnrecordedCreation): Promise<string[]> {
  const ids: string[] = [];
  for (const uploadId of await unrecordedUploads(scope, creation)) {
    let ours: boolean;
    try {
      ours = await holdsMarker(scope, uploadId, creation.nonce);
    } catch (err) {
      throw scope.failure(err, "ListParts", uploadId);
    }
    if (ours) ids.push(uploadId);
  }
  for (const uploadId of ids) {
    try {
      await scope.client.send(new AbortMultipartUploadCommand({ Bucket: scope.bucket, Key: scope.key, UploadId: uploadId }), { abortSignal: scope.signal });
    } catch (err) {
      // Gone meanwhile (completed, expired, aborted by an earlier attempt): nothing left to discard.
      if (!isS3Error(err, "NoSuchUpload")) throw scope.failure(err, "AbortMultipartUpload", uploadId);
    }
  }
  return ids;
}
