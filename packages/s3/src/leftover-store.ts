/**
 * `tartape cleanup` for S3: the multipart uploads under a prefix that hold
 * tartape's identity part (identity-marker.ts), each with every part it
 * holds. Uploads without it (another client's, or one of tartape's whose
 * identity part was never stored) are counted and never aborted.
 */
import { AbortMultipartUploadCommand, ListMultipartUploadsCommand, ListPartsCommand, type MultipartUpload, type Part, type S3Client } from "@aws-sdk/client-s3";
import { TargetError, type Leftover, type LeftoverListing, type LeftoverStore } from "@tartape/core";
import { createS3Client, describeEndpoint, type S3ConnectionOptions } from "./client.js";
import { isS3Error, toTargetError } from "./errors.js";
import { holdsIdentity, IDENTITY_PART_NUMBER } from "./identity-marker.js";
import { MARKER_PART_NUMBER } from "./ownership-marker.js";

export interface S3LeftoverStoreOptions extends S3ConnectionOptions {
  readonly bucket: string;
  /** Only uploads of keys starting with this; "" for the whole bucket. */
  readonly prefix: string;
  readonly client?: S3Client;
}

/** A listing that says "more" without moving on would loop forever. */
function stuck(what: string): TargetError {
  return new TargetError("TARGET_ERROR", `The ${what} said it was truncated without a next marker; run the cleanup again.`, { retryable: true });
}

export class S3LeftoverStore implements LeftoverStore {
  readonly location: string;
  private readonly client: S3Client;
  private readonly endpoint: string;

  constructor(private readonly options: S3LeftoverStoreOptions) {
    this.location = `s3://${options.bucket}/${options.prefix}`;
    this.client = options.client ?? createS3Client(options);
    this.endpoint = describeEndpoint(options, options.client !== undefined);
  }

  private failure(err: unknown, operation: string, key: string, uploadId?: string): Error {
    return toTargetError(err, { operation, bucket: this.options.bucket, key, endpoint: this.endpoint, ...(uploadId ? { uploadId } : {}) });
  }

  async list(signal: AbortSignal): Promise<LeftoverListing> {
    const leftovers: Leftover[] = [];
    let notTartapes = 0;
    for await (const upload of this.uploads(signal)) {
      const parts = await this.parts(upload.Key!, upload.UploadId!, signal);
      if (parts === null) continue; // finished or aborted since the listing
      if (!holdsIdentity(parts, upload.Key!, upload.UploadId!)) {
        notTartapes++;
        continue;
      }
      leftovers.push(this.leftover(upload, parts));
    }
    return { leftovers, notTartapes };
  }

  private leftover(upload: MultipartUpload, parts: readonly Part[]): Leftover {
    const planned = parts.filter((p) => p.PartNumber !== IDENTITY_PART_NUMBER && p.PartNumber !== MARKER_PART_NUMBER);
    const times = [upload.Initiated, ...parts.map((p) => p.LastModified)].filter((t): t is Date => t !== undefined).map((t) => t.getTime());
    return {
      kind: "multipart-upload",
      object: `s3://${this.options.bucket}/${upload.Key!}`,
      key: upload.Key!,
      uploadId: upload.UploadId!,
      lastActivity: new Date(Math.max(...times)),
      bytes: parts.reduce((sum, p) => sum + (p.Size ?? 0), 0),
      pieces: planned.length,
      proof: `part ${IDENTITY_PART_NUMBER} holds tartape's identity of this upload`,
    };
  }

  private async *uploads(signal: AbortSignal): AsyncGenerator<MultipartUpload> {
    let keyMarker: string | undefined;
    let uploadIdMarker: string | undefined;
    for (;;) {
      let out;
      try {
        // The whole bucket, filtered here: MinIO lists an upload under a Prefix only when the prefix is its whole key.
        const input = { Bucket: this.options.bucket, KeyMarker: keyMarker, UploadIdMarker: uploadIdMarker };
        out = await this.client.send(new ListMultipartUploadsCommand(input), { abortSignal: signal });
      } catch (err) {
        throw this.failure(err, "ListMultipartUploads", this.options.prefix);
      }
      for (const upload of out.Uploads ?? []) if (upload.Key?.startsWith(this.options.prefix) && upload.UploadId) yield upload;
      if (!out.IsTruncated) return;
      if (out.NextKeyMarker === keyMarker && out.NextUploadIdMarker === uploadIdMarker) throw stuck(`multipart upload listing of ${this.location}`);
      keyMarker = out.NextKeyMarker;
      uploadIdMarker = out.NextUploadIdMarker;
    }
  }

  /** Every part of the upload, or null when it is gone. */
  private async parts(key: string, uploadId: string, signal: AbortSignal): Promise<Part[] | null> {
    const parts: Part[] = [];
    let marker: string | undefined;
    for (;;) {
      let out;
      try {
        out = await this.client.send(new ListPartsCommand({ Bucket: this.options.bucket, Key: key, UploadId: uploadId, PartNumberMarker: marker }), { abortSignal: signal });
      } catch (err) {
        if (isS3Error(err, "NoSuchUpload")) return null;
        throw this.failure(err, "ListParts", key, uploadId);
      }
      parts.push(...(out.Parts ?? []));
      if (!out.IsTruncated) return parts;
      if (!out.NextPartNumberMarker || out.NextPartNumberMarker === marker) throw stuck(`part listing of upload ${uploadId}`);
      marker = out.NextPartNumberMarker;
    }
  }

  async remove(leftover: Leftover, signal: AbortSignal): Promise<void> {
    try {
      await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.options.bucket, Key: leftover.key, UploadId: leftover.uploadId }), { abortSignal: signal });
    } catch (err) {
      // Finished, expired or aborted since it was listed: nothing left to discard.
      if (!isS3Error(err, "NoSuchUpload")) throw this.failure(err, "AbortMultipartUpload", leftover.key, leftover.uploadId);
    }
  }
}

export function s3LeftoverStore(options: S3LeftoverStoreOptions): S3LeftoverStore {
  return new S3LeftoverStore(options);
}
