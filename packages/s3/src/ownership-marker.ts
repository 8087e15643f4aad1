/**
 * Proof that a multipart upload is this index's own, for the clean-up of
 * uploads whose ids never reached the index (unrecorded-uploads.ts).
 * ListMultipartUploads tells nothing of who started an upload, but ListParts
 * tells every part: right after CreateMultipartUpload the target stores a
 * tiny marker part under a part number no plan uses, whose bytes are the
 * nonce the index derived from the intent it wrote before creating the
 * upload. Complete names only the planned parts, so S3 discards the marker.
 * An upload without the marker is never aborted: it may be another writer's,
 * and if it is an unrecorded one of ours it holds no part (parts are sent
 * only once the id is recorded), so leaving it costs nothing.
 */
import { createHash } from "node:crypto";
import { ListPartsCommand, UploadPartCommand, type Part, type S3Client } from "@aws-sdk/client-s3";
import { crc32, crc32Base64, type S3Checksum } from "./checksum.js";
import { isS3Error } from "./errors.js";
import { unquoteEtag } from "./etag.js";

/** S3's last part number; plans stop one short of it (S3_LIMITS.maxParts). */
export const MARKER_PART_NUMBER = 10_000;

export interface MarkerScope {
  readonly client: S3Client;
  readonly bucket: string;
  readonly key: string;
  /** An upload created with ChecksumAlgorithm CRC32 wants a CRC32 with every part, the marker included. */
  readonly checksum: S3Checksum;
  readonly signal: AbortSignal;
}

function markerBody(nonce: string): Buffer {
  return Buffer.from(`tartape-owner:${nonce}`, "utf8");
}

/** Stores the marker part of `nonce` in the upload. */
export async function storeMarker(scope: MarkerScope, uploadId: string, nonce: string): Promise<void> {
  await storeSmallPart(scope, uploadId, MARKER_PART_NUMBER, markerBody(nonce));
}

/** Stores a few bytes as part `partNumber`, with the checksum the upload's kind wants. */
export async function storeSmallPart(scope: MarkerScope, uploadId: string, partNumber: number, body: Buffer): Promise<void> {
  await scope.client.send(
    new UploadPartCommand({
      Bucket: scope.bucket,
      Key: scope.key,
      UploadId: uploadId,
      PartNumber: partNumber,
      Body: body,
      ContentLength: body.length,
      ...(scope.checksum === "crc32"
        ? { ChecksumCRC32: crc32Base64(crc32(body)) }
        : { ContentMD5: createHash("md5").update(body).digest("base64") }),
    }),
    { abortSignal: scope.signal },
  );
}

/**
 * Whether a listed part holds exactly `body`: its size, and its ETag is the
 * body's MD5 or (where ETags are not MD5s, SSE-KMS and SSE-C) its CRC32 is the body's.
 */
export function partHolds(part: Pick<Part, "Size" | "ETag" | "ChecksumCRC32">, body: Buffer): boolean {
  if (part.Size !== body.length) return false;
  if (part.ETag !== undefined && unquoteEtag(part.ETag) === createHash("md5").update(body).digest("hex")) return true;
  return part.ChecksumCRC32 !== undefined && part.ChecksumCRC32 === crc32Base64(crc32(body));
}

/**
 * Whether the upload holds the marker of `nonce`: a part under the marker's
 * number of its size, whose ETag is its MD5 or (where ETags are not MD5s,
 * SSE-KMS) whose CRC32 is its CRC32. An upload gone meanwhile holds nothing.
 */
export async function holdsMarker(scope: MarkerScope, uploadId: string, nonce: string): Promise<boolean> {
  const body = markerBody(nonce);
  // Paged from the start: MinIO answers a listing that starts at PartNumberMarker 9999 with no parts.
  let marker: string | undefined;
  for (let page = 0; page < 20; page++) {
    let out;
    try {
      out = await scope.client.send(new ListPartsCommand({ Bucket: scope.bucket, Key: scope.key, UploadId: uploadId, PartNumberMarker: marker }), { abortSignal: scope.signal });
    } catch (err) {
      if (isS3Error(err, "NoSuchUpload")) return false;
      throw err;
    }
    const part = out.Parts?.find((p) => p.PartNumber === MARKER_PART_NUMBER);
    if (part) return partHolds(part, body);
    if (!out.IsTruncated || !out.NextPartNumberMarker || out.NextPartNumberMarker === marker) return false;
    marker = out.NextPartNumberMarker;
  }
  return false;
}
