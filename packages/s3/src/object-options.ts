/**
 * What the stored object is besides its bytes: storage class, server-side
 * encryption, metadata, tags, content type. Set when the multipart upload is
 * created (S3 keeps them with the upload), so they make another upload: the
 * target names them in its objectIdentity and a resume with others is refused.
 * SSE-C is the exception that travels: S3 wants the customer key with every
 * part, with the Complete, and with every read of the object (HeadObject).
 */
import { createHash } from "node:crypto";
import type { CreateMultipartUploadCommandInput } from "@aws-sdk/client-s3";
import { InvalidArgumentError, OPTION_WORDS } from "@tartape/core";

export type S3ServerSideEncryption = "AES256" | "aws:kms" | "aws:kms:dsse";
const SSE_KINDS: readonly S3ServerSideEncryption[] = ["AES256", "aws:kms", "aws:kms:dsse"];

export interface S3ObjectOptions {
  /** `STANDARD` (S3's default), `STANDARD_IA`, `INTELLIGENT_TIERING`, `GLACIER_IR`, `DEEP_ARCHIVE`, ... as S3 names them. */
  readonly storageClass?: string | undefined;
  /** User metadata (`x-amz-meta-*`); keys starting `tartape-` are tartape's own. */
  readonly metadata?: Readonly<Record<string, string>> | undefined;
  /** Object tags (at most 10). */
  readonly tags?: Readonly<Record<string, string>> | undefined;
  /** Default `application/x-tar`. */
  readonly contentType?: string | undefined;
  /** SSE-S3 (`AES256`) or SSE-KMS (`aws:kms`, `aws:kms:dsse`, with `sseKmsKeyId` or the account's default key). */
  readonly serverSideEncryption?: S3ServerSideEncryption | undefined;
  /** The KMS key (id, ARN or alias) for `aws:kms`. */
  readonly sseKmsKeyId?: string | undefined;
  /** SSE-C: your own 256-bit key (32 bytes, or their base64). S3 keeps only its MD5; lose the key and the object is lost. */
  readonly sseCustomerKey?: Uint8Array | string | undefined;
}

/** The metadata keys tartape writes itself (the finished object's proof of which tape it holds). */
export const RESERVED_METADATA_PREFIX = "tartape-";

const MAX_TAGS = 10;

/** Refuses options S3 would refuse, or that would defeat a check, before any request is sent. */
export function checkS3ObjectOptions(options: S3ObjectOptions, checksum: "crc32" | "md5"): void {
  if (options.storageClass !== undefined && !/^[A-Z][A-Z_]*$/.test(options.storageClass)) {
    throw new InvalidArgumentError(`${JSON.stringify(options.storageClass)} is not an S3 storage class for ${OPTION_WORDS.storageClass}: write it as S3 does, e.g. STANDARD_IA, GLACIER_IR or DEEP_ARCHIVE.`);
  }
  for (const key of Object.keys(options.metadata ?? {})) {
    if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(key)) throw new InvalidArgumentError(`The metadata key ${JSON.stringify(key)} in ${OPTION_WORDS.metadata} is not a valid HTTP header name: use letters, digits and - _ . only.`);
    if (key.toLowerCase().startsWith(RESERVED_METADATA_PREFIX)) {
      throw new InvalidArgumentError(`The metadata key ${JSON.stringify(key)} in ${OPTION_WORDS.metadata} starts with "${RESERVED_METADATA_PREFIX}", which tartape keeps for its own: choose another name.`);
    }
  }
  const tags = Object.entries(options.tags ?? {});
  if (tags.length > MAX_TAGS) throw new InvalidArgumentError(`S3 takes at most ${MAX_TAGS} tags on an object; ${OPTION_WORDS.tags} has ${tags.length}.`);
  for (const [key, value] of tags) {
    if (key.length === 0 || key.length > 128 || value.length > 256) throw new InvalidArgumentError(`The tag ${JSON.stringify(key)} in ${OPTION_WORDS.tags} is out of S3's bounds: keys of 1 to 128 characters, values of at most 256.`);
  }
  const sse = options.serverSideEncryption;
  if (sse !== undefined && !SSE_KINDS.includes(sse)) {
    throw new InvalidArgumentError(`${JSON.stringify(sse)} is not a server-side encryption S3 knows for ${OPTION_WORDS.s3Sse}: use AES256 (SSE-S3) or aws:kms (SSE-KMS).`);
  }
  if (options.sseKmsKeyId !== undefined && sse !== "aws:kms" && sse !== "aws:kms:dsse") {
    throw new InvalidArgumentError(`${OPTION_WORDS.s3SseKmsKeyId} names a KMS key, which only SSE-KMS uses: give ${OPTION_WORDS.s3Sse} aws:kms with it.`);
  }
  if (options.sseCustomerKey !== undefined) {
    if (sse !== undefined) throw new InvalidArgumentError(`An object is encrypted with one kind of key: ${OPTION_WORDS.s3SseCustomerKey} (SSE-C) cannot go with ${OPTION_WORDS.s3Sse}.`);
    customerKeyBytes(options.sseCustomerKey);
  }
  // Parts encrypted with KMS or a customer key have ETags that are not their MD5s: Content-MD5 parts could not be checked against them.
  if (checksum === "md5" && (sse === "aws:kms" || sse === "aws:kms:dsse" || options.sseCustomerKey !== undefined)) {
    throw new InvalidArgumentError(
      `With SSE-KMS or SSE-C, S3's ETags are not MD5s, so parts sent with ${OPTION_WORDS.s3ChecksumMd5} could not be checked: use ${OPTION_WORDS.s3ChecksumCrc32} (the default).`,
    );
  }
}

function customerKeyBytes(key: Uint8Array | string): Buffer {
  const bytes = typeof key === "string" ? Buffer.from(key.trim(), "base64") : Buffer.from(key);
  if (bytes.length !== 32) {
    throw new InvalidArgumentError(`${OPTION_WORDS.s3SseCustomerKey} must be a 256-bit key: 32 bytes, or their base64 (44 characters); this one is ${bytes.length} bytes.`);
  }
  return bytes;
}

/** What CreateMultipartUpload carries besides bucket, key and checksum. */
export function createUploadInput(options: S3ObjectOptions): Partial<CreateMultipartUploadCommandInput> {
  return {
    ContentType: options.contentType ?? "application/x-tar",
    ...(options.storageClass !== undefined ? { StorageClass: options.storageClass as CreateMultipartUploadCommandInput["StorageClass"] } : {}),
    ...(options.tags !== undefined && Object.keys(options.tags).length > 0 ? { Tagging: pairs(options.tags) } : {}),
    ...(options.serverSideEncryption !== undefined ? { ServerSideEncryption: options.serverSideEncryption } : {}),
    ...(options.sseKmsKeyId !== undefined ? { SSEKMSKeyId: options.sseKmsKeyId } : {}),
    ...sseCustomerInput(options),
  };
}

/** The SSE-C fields every request that touches the object's bytes needs (UploadPart, CompleteMultipartUpload, HeadObject, GetObject); none without a customer key. */
export function sseCustomerInput(options: S3ObjectOptions): { SSECustomerAlgorithm?: string; SSECustomerKey?: string } {
  if (options.sseCustomerKey === undefined) return {};
  // The SDK adds the key's MD5 header itself.
  return { SSECustomerAlgorithm: "AES256", SSECustomerKey: customerKeyBytes(options.sseCustomerKey).toString("base64") };
}

/** `a=1&b=2`, keys sorted, URL-encoded: S3's Tagging header, and how the index records metadata and tags. */
function pairs(record: Readonly<Record<string, string>>): string {
  return Object.keys(record)
    .sort()
    .map((key) => `${encodeURIComponent(key)}=${encodeURIComponent(record[key]!)}`)
    .join("&");
}

/**
 * The options as objectIdentity names them (the CLI's flags, camel-cased), only those given.
 * A customer key is named by its MD5, as S3 itself names it: the key never reaches the index.
 */
export function identityOptions(options: S3ObjectOptions): Record<string, string> {
  const named: Record<string, string> = {};
  if (options.storageClass !== undefined) named.storageClass = options.storageClass;
  if (options.metadata !== undefined && Object.keys(options.metadata).length > 0) named.metadata = pairs(options.metadata);
  if (options.tags !== undefined && Object.keys(options.tags).length > 0) named.tag = pairs(options.tags);
  if (options.contentType !== undefined) named.contentType = options.contentType;
  if (options.serverSideEncryption !== undefined) named.sse = options.serverSideEncryption;
  if (options.sseKmsKeyId !== undefined) named.sseKmsKeyId = options.sseKmsKeyId;
  if (options.sseCustomerKey !== undefined) named.sseCustomerKey = `MD5 ${createHash("md5").update(customerKeyBytes(options.sseCustomerKey)).digest("base64")}`;
  return named;
}
