/**
 * The GCS target: a parallel composite upload. Each volume becomes a temporary
 * object under a prefix named after the key and the tape's fingerprint,
 * uploaded with its MD5 (the service refuses damaged bytes) and only if absent
 * (a retry never writes a part twice). Completion composes the parts, 32 at a
 * time, into the final object, checks its CRC32C against the one combined from
 * the parts' CRC32Cs, and deletes the temporaries.
 */
import type { Bucket, FileMetadata, Storage } from "@google-cloud/storage";
import {
  IntegrityMismatchError,
  OPTION_WORDS,
  TargetError,
  type CompletedObject,
  type PartBody,
  type PartReceipt,
  type PartSpec,
  type RemoteObjects,
  type ServerPart,
  type Target,
  type TargetLimits,
  type TargetObject,
  type UploadContext,
  withIdleTimeout,
} from "@tartape/core";
import { createStorage, describeEndpoint, endpointQualifier, type GcsConnectionOptions } from "./client.js";
import { planComposeTree } from "./compose-plan.js";
import { buildIntermediates, describeChecksum, holds, type ChecksummedSource } from "./compose-tree.js";
import { forEachConcurrently } from "./concurrency.js";
import { concatChecksums, crc32cFromBase64, crc32cToBase64, type ChecksummedRange } from "./crc32c.js";
import { isPreconditionFailed, toTargetError } from "./errors.js";
import { GCS_LIMITS } from "./limits.js";
import { checkGcsObjectOptions, composedResource, gcsIdentityOptions, type GcsObjectOptions } from "./object-options.js";
import { composeObject, deleteObject, listObjects, statObject, type ComposeSource } from "./objects.js";
import { uploadObject } from "./part-upload.js";
import type { StoredObject } from "./stored-object.js";
import { partName, partNumberOf, TEMPORARY_METADATA, temporaryRoot, uploadPrefix } from "./temporary-names.js";
import { checkGcsLocation } from "./url.js";
import { gcsRemoteObjects } from "./source.js";

/** Custom metadata that ties the final object to the tape it holds. */
export const FINGERPRINT_METADATA = "tartape-fingerprint";
/** The CRC32C the parts combine to, as computed here: the object's own CRC32C must equal it. */
export const CRC32C_METADATA = "tartape-crc32c";

const CHECKSUM_PREFIX = "crc32c:";
const COMPOSE_CONCURRENCY = 8;
const DELETE_CONCURRENCY = 16;
const DEFAULT_IDLE_TIMEOUT_MS = 120_000;

export interface GcsTargetOptions extends GcsConnectionOptions, GcsObjectOptions {
  readonly bucket: string;
  /** The object the tape becomes. */
  readonly key: string;
  /** Part size in bytes (default: chosen by the planner; at least 256 KiB). */
  readonly partSize?: number;
  /**
   * A client of your own (custom credentials, universe domain, …), used as is;
   * the connection options are then ignored. Build it with
   * `retryOptions: { autoRetry: false }` so it does not retry underneath the driver.
   */
  readonly storage?: Storage;
  /** Override the limits, e.g. to test plans with tiny parts. */
  readonly limits?: Partial<TargetLimits>;
  /**
   * A request that makes no progress this long (a part upload whose connection is silent: nothing sent,
   * no answer; any other call that has not answered) is given up and retried. Default 120 s.
   */
  readonly idleTimeoutMs?: number;
}

function receiptChecksum(receipt: PartReceipt): ChecksummedRange {
  const crc = receipt.checksum.startsWith(CHECKSUM_PREFIX) ? crc32cFromBase64(receipt.checksum.slice(CHECKSUM_PREFIX.length)) : undefined;
  if (crc === undefined) {
    throw new IntegrityMismatchError(`Part ${receipt.number} was recorded with checksum ${JSON.stringify(receipt.checksum)}, not a CRC32C; run the upload with ${OPTION_WORDS.restart}.`);
  }
  return { crc32c: crc, size: receipt.size };
}

export class GcsTarget implements Target {
  readonly id: string;
  readonly partSize: number | undefined;
  readonly limits: TargetLimits;
  readonly bucketName: string;
  readonly key: string;
  readonly storage: Storage;
  /** How messages name the server: the endpoint URL or "Google Cloud Storage". */
  readonly endpoint: string;
  private readonly bucket: Bucket;
  private readonly idleTimeoutMs: number;
  /** The composed object read back, and its catalog beside it. */
  readonly remote: RemoteObjects;
  readonly objectIdentity: TargetObject;
  /** Storage class, metadata, content type, KMS key of the composed object (object-options.ts). */
  private readonly objectOptions: GcsObjectOptions;

  constructor(options: GcsTargetOptions) {
    checkGcsLocation(options);
    this.objectOptions = checkGcsObjectOptions(options);
    this.bucketName = options.bucket;
    this.key = options.key;
    this.idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
    // The library's own per-request timeout ends a request the idle timeout gave up on.
    this.storage = options.storage ?? createStorage(options, this.idleTimeoutMs);
    // Two services never share upload state: a custom endpoint is part of the identity.
    this.id = `gs://${this.bucketName}/${this.key}${endpointQualifier(this.storage.apiEndpoint)}`;
    this.endpoint = describeEndpoint(this.storage.apiEndpoint);
    this.partSize = options.partSize;
    this.limits = { ...GCS_LIMITS, ...options.limits };
    this.bucket = this.storage.bucket(this.bucketName);
    this.remote = gcsRemoteObjects({ bucket: this.bucketName, key: this.key, storage: this.storage });
    this.objectIdentity = { id: this.id, options: gcsIdentityOptions(this.objectOptions) };
  }

  private get location(): string {
    return `gs://${this.bucketName}/${this.key}`;
  }

  /**
   * The upload id is the prefix the temporaries live under, and abort deletes
   * everything under it: refuse one that is not this key's tape prefix.
   */
  private checkUploadId(uploadId: string): void {
    const root = temporaryRoot(this.key);
    if (!uploadId.startsWith(root) || !/^[0-9a-f]{16}\/$/.test(uploadId.slice(root.length))) {
      throw new TargetError("TARGET_ERROR", `${JSON.stringify(uploadId)} is not an upload id of ${this.location} (expected ${root}<16 hex>/). Run the upload with ${OPTION_WORDS.restart}.`);
    }
  }

  /** Runs one call under the idle timeout, mapping its failure; an abort passes through as it is. */
  private async call<T>(operation: string, ctx: UploadContext, work: () => Promise<T>): Promise<T> {
    try {
      return await withIdleTimeout(this.idleTimeoutMs, ctx.signal, `${operation} of ${this.location}`, () => work());
    } catch (err) {
      if (ctx.signal.aborted) throw err;
      throw toTargetError(err, { operation, bucket: this.bucketName, key: this.key, endpoint: this.endpoint });
    }
  }

  async createUpload(ctx: UploadContext): Promise<string> {
    const prefix = uploadPrefix(this.key, ctx.fingerprint);
    // There is no upload to create; this finds out now whether the bucket exists and is reachable.
    // Parts an earlier upload of this same tape left under the prefix are kept: uploadPart adopts them.
    await this.call("checking the bucket", ctx, () => listObjects(this.bucket, prefix, ctx.signal, 1));
    return prefix;
  }

  async listParts(uploadId: string, ctx: UploadContext, recorded: readonly PartReceipt[]): Promise<ServerPart[] | null> {
    this.checkUploadId(uploadId);
    // Finished already (a completion whose answer was lost, or cut short while deleting temporaries).
    if (await this.completedObject(ctx)) return null;
    const objects = await this.call("listing the upload's parts", ctx, () => listObjects(this.bucket, uploadId, ctx.signal));
    const parts: ServerPart[] = [];
    for (const object of objects) {
      const number = partNumberOf(uploadId, object.name);
      if (number !== null) parts.push({ number, size: object.size, etag: object.generation });
    }
    // Parts were acknowledged, and none is left: the upload was aborted or its temporaries deleted.
    if (parts.length === 0 && recorded.length > 0) return null;
    return parts.sort((a, b) => a.number - b.number);
  }

  async uploadPart(uploadId: string, part: PartSpec, body: PartBody, ctx: UploadContext): Promise<PartReceipt> {
    this.checkUploadId(uploadId);
    if (body.size !== part.size) throw new IntegrityMismatchError(`Part ${part.number} has ${body.size} bytes to send, the plan says ${part.size}.`);
    const name = partName(uploadId, part.number);
    const operation = `uploading part ${part.number}`;
    // One extra read of the part (from the page cache, right after the tape was read), so the
    // service itself refuses a part whose bytes arrive damaged.
    const md5 = await body.digest("md5", ctx.signal);
    ctx.signal.throwIfAborted();
    let uploaded;
    try {
      uploaded = await uploadObject({
        storage: this.storage,
        bucket: this.bucketName,
        name,
        body,
        md5,
        metadata: { [TEMPORARY_METADATA]: uploadId },
        ifAbsent: true,
        signal: ctx.signal,
        idleTimeoutMs: this.idleTimeoutMs,
      });
    } catch (err) {
      // The part exists: an earlier attempt was stored but its answer lost, or an earlier run left it.
      if (isPreconditionFailed(err)) return this.adoptExistingPart(name, part, md5, ctx);
      if (ctx.signal.aborted) throw err;
      throw toTargetError(err, { operation, bucket: this.bucketName, key: this.key, endpoint: this.endpoint });
    }
    const { object, sentBytes, sentCrc32c } = uploaded;
    const what = `Part ${part.number} of ${this.location} (${name})`;
    if (sentBytes !== part.size) throw new IntegrityMismatchError(`${what}: ${sentBytes} bytes were sent, the part has ${part.size}.`);
    if (object.size !== part.size || object.crc32c !== sentCrc32c || (object.md5Hash !== undefined && object.md5Hash !== md5.toString("base64"))) {
      throw new IntegrityMismatchError(
        `${what}: ${this.endpoint} stored ${describeChecksum(object)}, MD5 ${object.md5Hash ?? "(none)"}; the bytes sent were ` +
          `${describeChecksum({ size: sentBytes, crc32c: sentCrc32c })}, MD5 ${md5.toString("base64")}.`,
      );
    }
    return { number: part.number, size: part.size, etag: object.generation, checksum: `${CHECKSUM_PREFIX}${crc32cToBase64(sentCrc32c)}` };
  }

  /** Accepts a part object that already exists if it holds these very bytes; otherwise replaces it on the next attempt. */
  private async adoptExistingPart(name: string, part: PartSpec, md5: Buffer, ctx: UploadContext): Promise<PartReceipt> {
    const operation = `checking the existing object of part ${part.number}`;
    const existing = await this.call(operation, ctx, () => statObject(this.bucket, name, ctx.signal));
    if (existing && existing.size === part.size && existing.md5Hash === md5.toString("base64") && existing.crc32c !== undefined) {
      return { number: part.number, size: part.size, etag: existing.generation, checksum: `${CHECKSUM_PREFIX}${crc32cToBase64(existing.crc32c)}` };
    }
    // Other bytes under this name: left by an upload of this tape with another part size. Only that generation is deleted.
    if (existing) await this.call(`deleting a stale object of part ${part.number}`, ctx, () => deleteObject(this.bucket, name, ctx.signal, existing.generation));
    throw new TargetError("TARGET_ERROR", `${name} held other bytes than part ${part.number} (left by an earlier upload); it was removed and the part is sent again.`, {
      retryable: true,
    });
  }

  async complete(uploadId: string, parts: readonly PartReceipt[], ctx: UploadContext): Promise<CompletedObject> {
    this.checkUploadId(uploadId);
    const expected = concatChecksums(parts.map(receiptChecksum));
    if (expected.size !== ctx.totalSize) throw new IntegrityMismatchError(`The parts of ${this.location} add up to ${expected.size} bytes; the tape is ${ctx.totalSize}.`);

    // A retry after a lost answer, or after deleting the temporaries was cut short: the object is already there.
    const already = await this.call("checking the destination object", ctx, () => statObject(this.bucket, this.key, ctx.signal));
    if (already && this.isThisTape(already, ctx) && already.crc32c === expected.crc32c) {
      await this.removeTemporaries(uploadId, ctx);
      return this.completedFrom(already);
    }

    const listed = await this.call("listing the upload's parts", ctx, () => listObjects(this.bucket, uploadId, ctx.signal));
    const existing = new Map(listed.map((object) => [object.name, object]));
    const sources = parts.map((receipt, i): ChecksummedSource => {
      if (receipt.number !== i + 1) throw new IntegrityMismatchError(`Completing ${this.location} needs parts 1..${parts.length} in order; got part ${receipt.number} at position ${i + 1}.`);
      const checksum = receiptChecksum(receipt);
      const name = partName(uploadId, receipt.number);
      const object = existing.get(name);
      if (!object) {
        throw new TargetError(
          "TARGET_ERROR",
          `Part ${receipt.number} of ${this.location} (${name}) is gone from ${this.endpoint}: deleted by someone else or a lifecycle rule. Run the upload again: it sends the missing parts.`,
        );
      }
      // Pinning the listed generation: a part rewritten from here on fails the compose instead of slipping in.
      if (!holds(object, checksum)) {
        throw new IntegrityMismatchError(
          `Part ${receipt.number} of ${this.location} (${name}) holds ${describeChecksum(object)}; ${describeChecksum(checksum)} was uploaded. ` +
            "Something rewrote it; run the upload again: it sends that part again.",
        );
      }
      return { name, generation: object.generation, ...checksum };
    });

    const compose = (destination: string, from: readonly ComposeSource[], ifGenerationMatch?: string, resource?: FileMetadata, kmsKeyName?: string) =>
      this.call(`composing ${destination}`, ctx, async () => {
        try {
          const request = { destination, sources: from, ...(ifGenerationMatch !== undefined ? { ifGenerationMatch } : {}), ...(resource ? { resource } : {}), ...(kmsKeyName !== undefined ? { kmsKeyName } : {}) };
          return await composeObject(this.bucket, request, ctx.signal);
        } catch (err) {
          // Another completion of this upload wrote the intermediate first: the next attempt lists it and reuses it.
          if (!isPreconditionFailed(err)) throw err;
          throw new TargetError("TARGET_ERROR", `${destination} changed while it was being composed (HTTP 412); completing again.`, { retryable: true, cause: err });
        }
      });
    const plan = planComposeTree(parts.length);
    // Intermediates are temporaries too: marked as the parts are, for `cleanup`.
    const composeTemporary = (destination: string, from: readonly ComposeSource[], ifGenerationMatch: string) =>
      compose(destination, from, ifGenerationMatch, { metadata: { [TEMPORARY_METADATA]: uploadId } });
    const finalSources = await buildIntermediates(plan, { prefix: uploadId, parts: sources, existing, concurrency: COMPOSE_CONCURRENCY, compose: composeTemporary });
    const own = { [FINGERPRINT_METADATA]: ctx.fingerprint, [CRC32C_METADATA]: crc32cToBase64(expected.crc32c) };
    const object = await compose(this.key, finalSources, undefined, composedResource(this.objectOptions, own), this.objectOptions.kmsKeyName);
    if (!holds(object, expected)) {
      // Never leave at the key an object that is not the tape.
      await this.call("deleting a wrongly composed object", ctx, () => deleteObject(this.bucket, this.key, ctx.signal, object.generation));
      throw new IntegrityMismatchError(
        `${this.endpoint} composed ${this.location} as ${describeChecksum(object)}; the parts uploaded make ${describeChecksum(expected)}. ` +
          `The object was deleted. Run the upload again with ${OPTION_WORDS.restart}.`,
      );
    }
    await this.removeTemporaries(uploadId, ctx);
    return this.completedFrom(object);
  }

  async abort(uploadId: string, ctx: UploadContext): Promise<void> {
    this.checkUploadId(uploadId);
    await this.removeTemporaries(uploadId, ctx);
  }

  /** The finished object, if it holds this tape; then the tape's leftover temporaries are deleted too. */
  async findCompleted(ctx: UploadContext): Promise<CompletedObject | null> {
    const object = await this.completedObject(ctx);
    if (!object) return null;
    // Whatever is left under the prefix (a cleanup that was cut short) is garbage now.
    await this.removeTemporaries(uploadPrefix(this.key, ctx.fingerprint), ctx);
    return this.completedFrom(object);
  }

  private async completedObject(ctx: UploadContext): Promise<StoredObject | null> {
    const object = await this.call("checking the destination object", ctx, () => statObject(this.bucket, this.key, ctx.signal));
    return object && this.isThisTape(object, ctx) ? object : null;
  }

  /**
   * The object was composed from this tape's parts: its fingerprint and size, and a CRC32C
   * (computed by the service) equal to the one the parts combined to when it was composed.
   */
  private isThisTape(object: StoredObject, ctx: UploadContext): boolean {
    return (
      object.metadata[FINGERPRINT_METADATA] === ctx.fingerprint &&
      object.size === ctx.totalSize &&
      object.crc32c !== undefined &&
      object.metadata[CRC32C_METADATA] === crc32cToBase64(object.crc32c)
    );
  }

  private completedFrom(object: StoredObject): CompletedObject {
    return { size: object.size, etag: object.generation, location: this.location };
  }

  /** Deletes every object under the upload's prefix: parts, intermediates, strays. Idempotent. */
  private async removeTemporaries(prefix: string, ctx: UploadContext): Promise<void> {
    const objects = await this.call("listing temporary objects", ctx, () => listObjects(this.bucket, prefix, ctx.signal));
    await forEachConcurrently(objects, DELETE_CONCURRENCY, (object) =>
      this.call(`deleting temporary object ${object.name}`, ctx, () => deleteObject(this.bucket, object.name, ctx.signal)),
    );
  }
}

/** A target that uploads the tape as one GCS object, resumably. */
export function gcsTarget(options: GcsTargetOptions): GcsTarget {
  return new GcsTarget(options);
}
