/**
 * Proof, readable without any index, that a multipart upload is tartape's:
 * `tartape cleanup` finds uploads by listing a bucket, where no metadata is
 * visible and the index's nonce (ownership-marker.ts) is unknown. So right
 * after CreateMultipartUpload the target also stores this small part, whose
 * bytes follow from what the listings show: the key and the upload id. A
 * part whose ETag (or CRC32) equals that body's is one only a client that
 * knew the upload id after creating it would write, and only tartape writes
 * it under this number. Complete names only the planned parts, so S3
 * discards it with the marker.
 */
import type { Part } from "@aws-sdk/client-s3";
import { MARKER_PART_NUMBER, partHolds, storeSmallPart, type MarkerScope } from "./ownership-marker.js";

/** The part number before the ownership marker's; plans stop one short of it (S3_LIMITS.maxParts). */
export const IDENTITY_PART_NUMBER = MARKER_PART_NUMBER - 1;

export function identityBody(key: string, uploadId: string): Buffer {
  return Buffer.from(`tartape-upload\n${key}\n${uploadId}`, "utf8");
}

export async function storeIdentity(scope: MarkerScope, uploadId: string): Promise<void> {
  await storeSmallPart(scope, uploadId, IDENTITY_PART_NUMBER, identityBody(scope.key, uploadId));
}

/** Whether the listed parts of the upload `uploadId` of `key` include tartape's identity part. */
export function holdsIdentity(parts: readonly Part[], key: string, uploadId: string): boolean {
  const part = parts.find((p) => p.PartNumber === IDENTITY_PART_NUMBER);
  return part !== undefined && partHolds(part, identityBody(key, uploadId));
}
