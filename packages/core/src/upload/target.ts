import type { Readable } from "node:stream";
import type { RemoteObjects } from "../remote/source.js";
import type { ChunkRecycler } from "../tape/chunk-recycler.js";

/** The service's limits on multipart uploads; the planner keeps every plan inside them. */
export interface TargetLimits {
  /** Smallest size of every part but the last. */
  readonly minPartSize: number;
  /** Largest size of one part. */
  readonly maxPartSize: number;
  /** Most parts one upload may have. */
  readonly maxParts: number;
}

/** One part of the plan: a fixed byte range of the tape (a volume). */
export interface PartSpec {
  /** 1-based part number; part n covers tape bytes [(n-1)*partSize, min(n*partSize, totalSize)). */
  readonly number: number;
  readonly start: number;
  /** Exclusive. */
  readonly end: number;
  readonly size: number;
}

/** The bytes of one part, readable as many times as a retry needs. */
export interface PartBody {
  readonly size: number;
  /**
   * A fresh stream of exactly the part's bytes. Integrity errors (a changed file) surface as stream errors.
   * With `recycler`, large files' chunks are read into its buffers: the target gives each back once it
   * has written it (and must not keep it after).
   */
  open(options?: PartBodyOpenOptions): Readable;
  /** Reads the part once and returns its digest, for services that need a checksum before the body; `signal` stops the read. */
  digest(algorithm: "md5" | "sha256", signal?: AbortSignal): Promise<Buffer>;
}

export interface PartBodyOpenOptions {
  readonly recycler?: ChunkRecycler;
}

/** What the server acknowledged for one part. Recorded in the index only after the acknowledgement. */
export interface PartReceipt {
  readonly number: number;
  readonly size: number;
  /** ETag, block id or object generation: what identifies the stored part on the server. */
  readonly etag: string;
  /** The checksum the server verified, as `algorithm:value` (e.g. `md5:<base64>`, `crc32c:<base64>`). */
  readonly checksum: string;
}

/** A part as the server lists it, when reconciling a resumed upload. */
export interface ServerPart {
  readonly number: number;
  readonly size: number;
  readonly etag: string;
}

/** Facts about the tape and the plan that every target call gets. */
export interface UploadContext {
  readonly fingerprint: string;
  readonly totalSize: number;
  readonly partSize: number;
  readonly partCount: number;
  /** `{basename}_{fingerprint 8 hex}`: a stable name for temporary objects. */
  readonly tapeName: string;
  readonly signal: AbortSignal;
}

/** What the target says about the finished object. */
export interface CompletedObject {
  readonly size: number;
  /** ETag, generation, or checksum the service reports for the whole object. */
  readonly etag?: string;
  readonly location?: string;
}

/** What Target.objectIdentity names: the destination object, and the options of uploads to it. */
export interface TargetObject {
  readonly id: string;
  readonly options: Readonly<Record<string, string>>;
}

/**
 * What lets a target prove later that an upload is this index's own: a nonce
 * derived from the intent the index wrote before createUpload was called. A
 * target that may need to find its unrecorded uploads again (S3) stores it
 * with the upload (see abortUnrecorded).
 */
export interface CreationProof {
  readonly nonce: string;
}

/** A createUpload whose result the index may never have recorded: when it ran, and which uploads must stay. */
export interface UnrecordedCreation extends CreationProof {
  /** Just before the first attempt, by this machine's clock. */
  readonly startedAt: Date;
  /** Just before the last attempt began, by this machine's clock. */
  readonly lastAttemptAt: Date;
  /** Upload ids the index knows of: never discarded. */
  readonly keep: readonly string[];
}

/**
 * Where a tape goes. A target maps parts onto one service's multipart API and
 * maps that service's failures onto TargetError; everything else (planning,
 * concurrency, retries, resume, progress, bookkeeping) is the driver's.
 */
export interface Target {
  /** Stable identity of the destination (e.g. `s3://bucket/key`); the index keys upload state by it. */
  readonly id: string;
  /** The part size the user asked for, if any; the driver raises it when the limits require. */
  readonly partSize?: number | undefined;
  readonly limits: TargetLimits;
  /**
   * Optional: the finished object read back, and where its catalog goes
   * (`<key>.tartape-catalog`, docs/catalog-format.md). A target with it gets a catalog
   * written once the upload completes; `tartape ls/get <url>` read through it.
   */
  readonly remote?: RemoteObjects;

  /**
   * Optional, for a target whose options make an upload of the same object another upload
   * (S3: the checksum kind, which is part of its id): the object without those options, and
   * the options by name. The driver then refuses to start an upload while one to the same
   * object with other options is in progress (restart aborts it: `abort` must discard an
   * upload of this object whatever options it was made with), and status names the options.
   */
  readonly objectIdentity?: TargetObject | undefined;

  /**
   * Optional, for a target that writes to the local file system: whether a real path is its
   * destination or one of its partial files. A recording made for an upload leaves those out
   * (listed as excluded), so a destination inside the directory never ends up in its own tape.
   */
  isOwnFile?(realPath: string): boolean;

  /** Starts a new multipart upload and returns its id; `proof` is given when the driver may have to find it again unrecorded. */
  createUpload(ctx: UploadContext, proof?: CreationProof): Promise<string>;
  /**
   * The parts the server holds for this upload, or null when the upload no
   * longer exists (aborted, expired, completed by someone else).
   * `recorded` are the parts the index holds, for targets that verify them by reading back.
   */
  listParts(uploadId: string, ctx: UploadContext, recorded: readonly PartReceipt[]): Promise<ServerPart[] | null>;
  /** Uploads one part with a checksum the server verifies; resolves only once the server acknowledged it. */
  uploadPart(uploadId: string, part: PartSpec, body: PartBody, ctx: UploadContext): Promise<PartReceipt>;
  /** Assembles the parts (all of them, in order) into the final object and checks it against what was sent. */
  complete(uploadId: string, parts: readonly PartReceipt[], ctx: UploadContext): Promise<CompletedObject>;
  /** Discards the upload and whatever the server holds for it. Idempotent. */
  abort(uploadId: string, ctx: UploadContext): Promise<void>;
  /**
   * Optional: whether the destination holds this tape's finished object. Asked when the index does
   * not know, and before the driver reports an upload it recorded as completed "already complete".
   * `recorded` is what complete() returned then, for a target whose service keeps no metadata
   * (the file target checks the file against its recorded checksum). Only the built-in targets'
   * answers are checked by tests; a target without it leaves the index's word unchecked.
   */
  findCompleted?(ctx: UploadContext, recorded?: CompletedObject): Promise<CompletedObject | null>;
  /**
   * Optional: discards uploads that createUpload started on the server during
   * `creation` but whose ids never reached the index (the process died before
   * recording it, or an answer was lost and the call sent again), and only
   * those it can prove are this index's own (they carry `creation.nonce`):
   * another writer's upload of the same destination is never touched. Returns
   * the ids discarded; idempotent. Only a target whose createUpload makes a
   * server-side object with an id of the server's choosing needs it (S3). The
   * others leave nothing the next createUpload does not reuse: Azure and GCS
   * derive the upload id from the fingerprint and create nothing on the server
   * (Azure's staged blocks expire by themselves), and the file target's empty
   * partial file is named after the fingerprint and truncated again by the
   * next run (only a re-recording in between leaves the old one, empty).
   */
  abortUnrecorded?(ctx: UploadContext, creation: UnrecordedCreation): Promise<string[]>;
}
