/**
 * What an interrupted upload leaves at a destination, and the small contract a
 * provider package implements so `cleanupLeftovers` can list and remove it.
 * Core knows no cloud SDK: each provider proves ownership its own way (an S3
 * marker part, GCS object metadata, Azure block ids) and reports only what it
 * proved is tartape's.
 */

/** One unfinished upload (or one upload's temporary objects) that tartape made. */
export interface Leftover {
  /** What the service calls it: an S3 multipart upload, GCS temporary objects, an Azure blob of staged blocks. */
  readonly kind: "multipart-upload" | "temporary-objects" | "uncommitted-blocks" | "abort-marker";
  /** The object the upload was going to, as a URL (s3://bucket/key, gs://bucket/key, az://account/container/blob). */
  readonly object: string;
  /** That object's name in its bucket or container. */
  readonly key: string;
  /** The service's id of the upload (S3 upload id, the GCS temporary prefix, the Azure block-id prefix). */
  readonly uploadId: string;
  /** The last time the service saw anything of it: the upload's start or its newest part, whichever is later. */
  readonly lastActivity: Date;
  /** Bytes it holds at the destination (parts, temporary objects, staged blocks). */
  readonly bytes: number;
  /** Pieces it holds: parts, objects or blocks. */
  readonly pieces: number;
  /** How it was proved tartape's, in a few words (for the listing). */
  readonly proof: string;
}

/** What a listing found under a prefix. */
export interface LeftoverListing {
  /** Leftovers proved tartape's. */
  readonly leftovers: readonly Leftover[];
  /** Unfinished uploads (or temporary-looking objects) under the prefix that tartape cannot prove it made: never removed. */
  readonly notTartapes: number;
}

/**
 * One destination prefix of one service. `list` only reports what it can
 * prove tartape made; `remove` discards one of those, and is idempotent (a
 * leftover already gone, or finished meanwhile, is not an error).
 */
export interface LeftoverStore {
  /** The prefix as a URL, for messages: s3://bucket/prefix, gs://bucket/prefix, az://account/container/prefix. */
  readonly location: string;
  list(signal: AbortSignal): Promise<LeftoverListing>;
  remove(leftover: Leftover, signal: AbortSignal): Promise<void>;
}
