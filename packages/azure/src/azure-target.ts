/**
 * The Azure Blob Storage target: each volume is one block of a block blob,
 * staged with Put Block under a deterministic id and an MD5 the service
 * checks; Put Block List commits them in order. Azure has no multipart
 * upload object: the "upload" is the set of uncommitted blocks whose ids
 * carry this tape's upload id, and a resumed run finds them by listing the
 * blob's uncommitted blocks.
 */
import type { BlobGetPropertiesResponse, BlockBlobClient, CpkInfo } from "@azure/storage-blob";
import {
  IntegrityMismatchError,
  InvalidArgumentError,
  OPTION_WORDS,
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
  type Progress,
  withIdleTimeout,
} from "@tartape/core";
import { azureIdentityOptions, checkAzureObjectOptions, type AzureObjectOptions } from "./object-options.js";
import { accountNameOf, publicUrl, serviceClientFor, type AzureConnectionOptions } from "./azure-client.js";
import { errorCodeOf, mapAzureError, type AzureCallContext } from "./azure-errors.js";
import { ABORT_MARKER_METADATA, deleteIfUnchanged, dropStagedBlocks } from "./drop-staged.js";
import { blobNameProblem, containerNameProblem } from "./azure-url.js";
import { blockIdFor, parseBlockId, uploadIdFor } from "./block-id.js";
import { AZURE_LIMITS } from "./limits.js";
import { azureRemoteObjects } from "./azure-source.js";
import { verifyCommittedBlocks } from "./verify-commit.js";
import { cpkInfo } from "./customer-key.js";

export interface AzureTargetOptions extends AzureConnectionOptions, AzureObjectOptions {
  /** The container that receives the blob; it must exist. */
  readonly container: string;
  /** The blob name; `/` makes virtual folders. An existing blob is replaced when the upload completes. */
  readonly blob: string;
  /** Part (block) size in bytes (default: chosen by the planner, raised when a tape needs more than 50,000 blocks). */
  readonly partSize?: number;
  /** Override the limits, e.g. a small maxParts in tests. */
  readonly limits?: Partial<TargetLimits>;
  /**
   * Whether abort also deletes a committed blob already at this name (from an earlier upload, or
   * someone else's). Default false: abort then leaves that blob alone, and the blocks this upload
   * staged stay uncommitted until Azure discards them (7 days) or the blob is next committed.
   */
  readonly deleteBlobOnAbort?: boolean;
  /**
   * A request that makes no progress this long (nothing sent, no answer) is given up and sent again.
   * Default 0: none of tartape's own (the connection's own timeouts apply, as before).
   */
  readonly idleTimeoutMs?: number;
}

/** Blob metadata naming the tape a committed blob holds (metadata names must be C# identifiers: no hyphen). */
export const FINGERPRINT_METADATA = "tartape_fingerprint";
export { ABORT_MARKER_METADATA } from "./drop-staged.js";
const TAR_CONTENT_TYPE = "application/x-tar";

export class AzureTarget implements Target {
  readonly id: string;
  readonly partSize: number | undefined;
  readonly limits: TargetLimits;
  readonly container: string;
  readonly blob: string;
  private readonly blockBlob: BlockBlobClient;
  private readonly account: string;
  private readonly endpoint: string;
  private readonly deleteBlobOnAbort: boolean;
  private readonly idleTimeoutMs: number | undefined;
  /** The committed blob read back, and its catalog beside it. */
  readonly remote: RemoteObjects;
  readonly objectIdentity: TargetObject;
  /** Tier, metadata, tags, content type, encryption scope (object-options.ts). */
  private readonly objectOptions: AzureObjectOptions;

  constructor(options: AzureTargetOptions) {
    const containerProblem = containerNameProblem(options.container);
    if (containerProblem) throw new InvalidArgumentError(`The Azure container name '${options.container}' ${containerProblem}.`);
    const blobProblem = blobNameProblem(options.blob);
    if (blobProblem) throw new InvalidArgumentError(`The Azure blob name '${options.blob}' ${blobProblem}.`);
    this.objectOptions = checkAzureObjectOptions(options);
    const service = serviceClientFor(options);
    this.container = options.container;
    this.blob = options.blob;
    this.blockBlob = service.getContainerClient(options.container).getBlockBlobClient(options.blob);
    this.account = accountNameOf(service);
    this.endpoint = publicUrl(service.url);
    // The SDK would refuse at the first request, after the run had begun; Azure itself takes the key only over TLS.
    if (this.objectOptions.sseCustomerKey !== undefined && new URL(service.url).protocol !== "https:") {
      throw new InvalidArgumentError(`Azure takes a customer-provided key (${OPTION_WORDS.s3SseCustomerKey}) over HTTPS only, and ${this.endpoint} is not an https:// endpoint.`);
    }
    this.id = `az://${this.account}/${this.container}/${this.blob}`;
    this.partSize = options.partSize;
    this.limits = { ...AZURE_LIMITS, ...options.limits };
    this.deleteBlobOnAbort = options.deleteBlobOnAbort ?? false;
    this.idleTimeoutMs = options.idleTimeoutMs;
    this.remote = azureRemoteObjects({ container: options.container, blob: options.blob, client: service, ...this.customerKey });
    this.objectIdentity = { id: this.id, options: azureIdentityOptions(this.objectOptions) };
  }

  /** The encryption scope or customer-provided key every block and the commit carry, when one was asked for. */
  private get scope(): { encryptionScope?: string; customerProvidedKey?: CpkInfo } {
    if (this.objectOptions.sseCustomerKey !== undefined) return { customerProvidedKey: cpkInfo(this.objectOptions.sseCustomerKey) };
    return this.objectOptions.encryptionScope !== undefined ? { encryptionScope: this.objectOptions.encryptionScope } : {};
  }

  /** A blob encrypted with a customer-provided key shows its properties (the tape's fingerprint) only to requests that carry the key. */
  private get customerKey(): { customerProvidedKey?: CpkInfo } {
    return this.objectOptions.sseCustomerKey !== undefined ? { customerProvidedKey: cpkInfo(this.objectOptions.sseCustomerKey) } : {};
  }

  /** Where the finished blob lives, without any SAS token. */
  get location(): string {
    return publicUrl(this.blockBlob.url);
  }

  private where(action: string): AzureCallContext {
    return { action, targetId: this.id, account: this.account, container: this.container, endpoint: this.endpoint };
  }

  /** One SDK request under the idle timeout: it gets the signal to pass on, and a way to report progress. */
  private timed<T>(action: string, signal: AbortSignal, request: (signal: AbortSignal, progress: Progress) => Promise<T>): Promise<T> {
    return withIdleTimeout(this.idleTimeoutMs, signal, `${action} of ${this.id}`, request);
  }

  /** Runs one SDK call under the idle timeout and turns its failure into a typed error. */
  private async call<T>(action: string, signal: AbortSignal, request: (signal: AbortSignal, progress: Progress) => Promise<T>): Promise<T> {
    try {
      return await this.timed(action, signal, request);
    } catch (err) {
      throw mapAzureError(err, this.where(action));
    }
  }

  /** The committed blob's properties, or null when no blob is committed under this name. */
  private async propertiesOrNull(action: string, signal: AbortSignal): Promise<BlobGetPropertiesResponse | null> {
    try {
      return await this.timed(action, signal, (s) => this.blockBlob.getProperties({ ...this.customerKey, abortSignal: s }));
    } catch (err) {
      if (errorCodeOf(err) === "BlobNotFound") return null;
      throw mapAzureError(err, this.where(action));
    }
  }

  /** This upload's staged, uncommitted blocks (other writers' blocks are ignored). */
  private async stagedBlocks(uploadId: string, signal: AbortSignal): Promise<ServerPart[]> {
    let list;
    try {
      list = await this.timed("listing the staged blocks", signal, (s) => this.blockBlob.getBlockList("uncommitted", { abortSignal: s }));
    } catch (err) {
      // No blob and no staged block at all.
      if (errorCodeOf(err) === "BlobNotFound") return [];
      throw mapAzureError(err, this.where("listing the staged blocks"));
    }
    const parts: ServerPart[] = [];
    for (const block of list.uncommittedBlocks ?? []) {
      const parsed = parseBlockId(block.name);
      if (parsed?.uploadId === uploadId) parts.push({ number: parsed.partNumber, size: block.size, etag: block.name });
    }
    return parts.sort((a, b) => a.number - b.number);
  }

  async createUpload(ctx: UploadContext): Promise<string> {
    // Block blobs have no upload object to create; checking the container now makes a wrong name
    // fail before any part is read. A blob-scoped SAS can do this (container-level calls need more).
    await this.propertiesOrNull("checking the container", ctx.signal);
    return uploadIdFor(ctx.fingerprint, ctx.partSize);
  }

  async listParts(uploadId: string, ctx: UploadContext, recorded: readonly PartReceipt[]): Promise<ServerPart[] | null> {
    const staged = await this.stagedBlocks(uploadId, ctx.signal);
    // Parts were acknowledged but none of their blocks is staged any more: they were committed
    // (perhaps by a run that stopped before recording it), or discarded after 7 days. Either way the
    // upload is gone; the driver then asks findCompleted, or starts over with the same block ids.
    if (staged.length === 0 && recorded.length > 0) return null;
    return staged;
  }

  async uploadPart(uploadId: string, part: PartSpec, body: PartBody, ctx: UploadContext): Promise<PartReceipt> {
    const blockId = blockIdFor(uploadId, part.number);
    // Put Block needs the MD5 up front, so the part is read twice: once to hash it, once to send it.
    const md5 = await body.digest("md5", ctx.signal);
    ctx.signal.throwIfAborted();
    const response = await this.call(`staging block ${part.number}`, ctx.signal, (signal, progress) =>
      this.blockBlob.stageBlock(blockId, () => body.open(), part.size, { transactionalContentMD5: md5, ...this.scope, abortSignal: signal, onProgress: progress }),
    );
    // The service verified the MD5 before answering; an echo (Azure sends one, Azurite does not) must match too.
    if (response.contentMD5 && !Buffer.from(response.contentMD5).equals(md5)) {
      throw new IntegrityMismatchError(`Azure Storage acknowledged block ${part.number} of ${this.id} with MD5 ${Buffer.from(response.contentMD5).toString("base64")}; tartape sent ${md5.toString("base64")}.`);
    }
    return { number: part.number, size: part.size, etag: blockId, checksum: `md5:${md5.toString("base64")}` };
  }

  async complete(uploadId: string, parts: readonly PartReceipt[], ctx: UploadContext): Promise<CompletedObject> {
    const expected = parts.map((p) => {
      const blockId = blockIdFor(uploadId, p.number);
      if (p.etag !== blockId) throw new IntegrityMismatchError(`Part ${p.number} of ${this.id} was recorded as block ${p.etag}, expected ${blockId}.`);
      return { blockId, size: p.size };
    });
    // Idempotent: retried after a lost response, the same ids are found among the committed blocks.
    await this.call("committing the block list", ctx.signal, (signal) =>
      this.blockBlob.commitBlockList(
        expected.map((b) => b.blockId),
        {
          metadata: { ...this.objectOptions.metadata, [FINGERPRINT_METADATA]: ctx.fingerprint },
          blobHTTPHeaders: { blobContentType: this.objectOptions.contentType ?? TAR_CONTENT_TYPE },
          ...(this.objectOptions.accessTier !== undefined ? { tier: this.objectOptions.accessTier } : {}),
          ...(this.objectOptions.tags !== undefined ? { tags: { ...this.objectOptions.tags } } : {}),
          ...this.scope,
          abortSignal: signal,
        },
      ),
    );
    const committed = await this.call("reading back the committed block list", ctx.signal, (signal) => this.blockBlob.getBlockList("committed", { abortSignal: signal }));
    verifyCommittedBlocks(this.id, committed.committedBlocks ?? [], committed.blobContentLength, expected, ctx.totalSize);
    return { size: ctx.totalSize, ...(committed.etag ? { etag: committed.etag } : {}), location: this.location };
  }

  /**
   * Azure cannot delete uncommitted blocks, only drop them all when the blob is committed or
   * deleted. So when no blob is committed here, abort commits an empty block list (only if the
   * blob still does not exist) and deletes that empty blob: nothing is left. When a blob is
   * committed here, abort leaves it (unless deleteBlobOnAbort), and the staged blocks stay until
   * Azure discards them after 7 days or the next commit drops them.
   */
  async abort(uploadId: string, ctx: UploadContext): Promise<void> {
    const action = "discarding the staged blocks";
    const existing = await this.propertiesOrNull(action, ctx.signal);
    if (existing) {
      // The empty blob of an abort that was interrupted before its delete, or a blob the user chose to drop.
      if (existing.metadata?.[ABORT_MARKER_METADATA] === uploadId || this.deleteBlobOnAbort) {
        await this.deleteIfUnchanged(existing.etag, action, ctx.signal);
      }
      return;
    }
    if ((await this.stagedBlocks(uploadId, ctx.signal)).length === 0) return;
    try {
      await dropStagedBlocks(this.blockBlob, uploadId, (request) => this.timed(action, ctx.signal, request));
    } catch (err) {
      throw mapAzureError(err, this.where(action));
    }
  }

  private async deleteIfUnchanged(etag: string | undefined, action: string, signal: AbortSignal): Promise<void> {
    try {
      await deleteIfUnchanged(this.blockBlob, etag, (request) => this.timed(action, signal, request));
    } catch (err) {
      throw mapAzureError(err, this.where(action));
    }
  }

  async findCompleted(ctx: UploadContext): Promise<CompletedObject | null> {
    const properties = await this.propertiesOrNull("looking for a finished upload", ctx.signal);
    if (!properties) return null;
    if (properties.metadata?.[FINGERPRINT_METADATA] !== ctx.fingerprint || properties.contentLength !== ctx.totalSize) return null;
    return { size: ctx.totalSize, ...(properties.etag ? { etag: properties.etag } : {}), location: this.location };
  }
}

/** A target that uploads the tape to one Azure block blob, one staged block per volume. */
export function azureTarget(options: AzureTargetOptions): AzureTarget {
  return new AzureTarget(options);
}
