/**
 * The S3 target: one tape = one multipart upload, one volume = one part.
 * Every part carries a checksum the server checks before it acknowledges
 * (checksum.ts: Content-MD5, or a CRC32 trailer), and what the server returns
 * is held against checksums computed from the bytes actually sent, part by
 * part and for the assembled object.
 */
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListPartsCommand,
  type HeadObjectCommandOutput,
  type S3Client,
  type UploadPartCommandInput,
} from "@aws-sdk/client-s3";
import {
  ChunkRecycler,
  DEFAULT_CHUNK_SIZE,
  IntegrityMismatchError,
  OPTION_WORDS,
  TargetError,
  type CompletedObject,
  type PartBody,
  type PartReceipt,
  type RemoteObjects,
  type PartSpec,
  type ServerPart,
  type Target,
  type TargetLimits,
  type TargetObject,
  type CreationProof,
  type UnrecordedCreation,
  type UploadContext,
} from "@tartape/core";
import { createS3Client, describeEndpoint, type S3ConnectionOptions } from "./client.js";
import { isNotFound, isS3Error, statusOf, toTargetError, type S3RequestContext } from "./errors.js";
import { checkCrc32Available, checksumOfKind, DEFAULT_S3_CHECKSUM, isBase64Crc32, parseS3Checksum, compositeCrc32, receiptChecksum, type S3Checksum } from "./checksum.js";
import { multipartEtag, unquoteEtag } from "./etag.js";
import { checkS3ObjectOptions, createUploadInput, identityOptions, sseCustomerInput, type S3ObjectOptions } from "./object-options.js";
import { streamPart, type StreamedPart } from "./stream-part.js";
import { abortUnrecordedUploads } from "./unrecorded-uploads.js";
import { MARKER_PART_NUMBER, storeMarker } from "./ownership-marker.js";
import { IDENTITY_PART_NUMBER, storeIdentity } from "./identity-marker.js";
import { checkS3Location } from "./url.js";
import { s3RemoteObjects } from "./source.js";

const MiB = 1024 * 1024;

/** S3's multipart limits (MinIO's are the same), but for the last two part numbers, which hold the identity and ownership markers. */
export const S3_LIMITS: TargetLimits = { minPartSize: 5 * MiB, maxPartSize: 5 * 1024 * MiB, maxParts: IDENTITY_PART_NUMBER - 1 };

/** Object metadata that ties the finished object to the tape it holds. */
const FINGERPRINT_METADATA = "tartape-fingerprint";
const SIZE_METADATA = "tartape-size";

export interface S3TargetOptions extends S3ConnectionOptions, S3ObjectOptions {
  readonly bucket: string;
  /** The object the tape becomes. */
  readonly key: string;
  /** Part size in bytes (default: chosen by the planner; at least 5 MiB). */
  readonly partSize?: number;
  /**
   * A client of your own (custom credential chain, proxy agent, …), used as is.
   * `endpoint` then only names the destination in the target id and in messages.
   * The SDK never replays a streamed part; set `maxAttempts: 1` so it does not
   * retry the other calls underneath the driver's own retries.
   */
  readonly client?: S3Client;
  /** Override the limits, e.g. to test plans that S3 itself would refuse. */
  readonly limits?: Partial<TargetLimits>;
  /**
   * How each part proves its bytes (checksum.ts): "crc32" (default; a CRC32
   * trailer: one read of the tape and a cheap native CRC32; works with
   * SSE-KMS; the AWS SDK's own default, taken by AWS and MinIO) or "md5"
   * (Content-MD5: for S3-compatible servers that refuse aws-chunked
   * trailers; a second read of every part and an MD5 of every byte).
   * An upload keeps the checksum it began with: the other one is another upload.
   */
  readonly checksum?: S3Checksum;
}

function endpointLabel(endpoint: string): string {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new TargetError("TARGET_URL_INVALID", `The S3 endpoint ${JSON.stringify(endpoint)} is not a URL. Write it as http://host:port or https://host.`);
  }
  return url.host + (url.pathname === "/" ? "" : url.pathname);
}

/** Idle read buffers kept for the next parts (1 MiB each); those in flight are bounded by the streams' backpressure. */
const RECYCLED_IDLE_CHUNKS = 16;

export class S3Target implements Target {
  readonly id: string;
  readonly partSize: number | undefined;
  readonly limits: TargetLimits;
  readonly bucket: string;
  readonly key: string;
  readonly client: S3Client;
  /** How messages name the server: the endpoint URL or "AWS S3". */
  readonly endpoint: string;
  readonly checksum: S3Checksum;
  /** The finished object read back, and its catalog beside it. */
  readonly remote: RemoteObjects;
  readonly objectIdentity: TargetObject;
  /** Storage class, encryption, metadata, tags, content type (object-options.ts). */
  private readonly objectOptions: S3ObjectOptions;
  /** SSE-C: what every request touching the object's bytes carries. */
  private readonly customerKey: ReturnType<typeof sseCustomerInput>;
  /** The buffers part bodies read large files into, given back by this target's own client. */
  private readonly recycler: ChunkRecycler | undefined;

  constructor(options: S3TargetOptions) {
    checkS3Location(options);
    this.bucket = options.bucket;
    this.key = options.key;
    this.checksum = options.checksum ?? DEFAULT_S3_CHECKSUM;
    parseS3Checksum(this.checksum); // a caller without types may pass anything
    if (this.checksum === "crc32") checkCrc32Available();
    checkS3ObjectOptions(options, this.checksum);
    this.objectOptions = options;
    this.customerKey = sseCustomerInput(options);
    // Two servers never share upload state: the endpoint is part of the identity. So is a
    // checksum other than the default: S3 wants every part of an upload to carry the same kind.
    const query = [...(options.endpoint ? [`endpoint=${endpointLabel(options.endpoint)}`] : []), ...(this.checksum === DEFAULT_S3_CHECKSUM ? [] : [`checksum=${this.checksum}`])];
    this.id = `s3://${this.bucket}/${this.key}` + (query.length ? `?${query.join("&")}` : "");
    // The same object whatever the checksum: an upload with the other kind must be finished or aborted first.
    const server = options.endpoint ? `?endpoint=${endpointLabel(options.endpoint)}` : "";
    this.objectIdentity = { id: `s3://${this.bucket}/${this.key}${server}`, options: { checksum: this.checksum, ...identityOptions(options) } };
    this.partSize = options.partSize;
    this.limits = { ...S3_LIMITS, ...options.limits };
    // Part bodies read large files into recycled buffers, which this client's sockets give back
    // once written; a caller's client cannot, so its parts read into fresh buffers.
    this.recycler = options.client ? undefined : new ChunkRecycler(DEFAULT_CHUNK_SIZE, RECYCLED_IDLE_CHUNKS);
    this.client = options.client ?? createS3Client(options, this.recycler);
    this.endpoint = describeEndpoint(options, options.client !== undefined);
    this.remote = s3RemoteObjects({ bucket: this.bucket, key: this.key }, { client: this.client, endpoint: this.endpoint });
  }

  private get location(): string {
    return `s3://${this.bucket}/${this.key}`;
  }

  private failure(err: unknown, operation: string, uploadId?: string): Error {
    const ctx: S3RequestContext = { operation, bucket: this.bucket, key: this.key, endpoint: this.endpoint, ...(uploadId ? { uploadId } : {}) };
    return toTargetError(err, ctx);
  }

  async createUpload(ctx: UploadContext, proof?: CreationProof): Promise<string> {
    const out = await this.client
      .send(
        new CreateMultipartUploadCommand({
          Bucket: this.bucket,
          Key: this.key,
          ...createUploadInput(this.objectOptions),
          ...(this.checksum === "crc32" ? { ChecksumAlgorithm: "CRC32" as const } : {}),
          Metadata: { ...this.objectOptions.metadata, [FINGERPRINT_METADATA]: ctx.fingerprint, [SIZE_METADATA]: String(ctx.totalSize) },
        }),
        { abortSignal: ctx.signal },
      )
      .catch((err: unknown) => {
        throw this.failure(err, "CreateMultipartUpload");
      });
    if (!out.UploadId) throw new TargetError("TARGET_ERROR", `${this.endpoint} started a multipart upload of ${this.location} but returned no upload id.`, { retryable: true });
    try {
      // Without the identity part, `cleanup` cannot tell this upload from another's and leaves it alone.
      await storeIdentity(this.markerScope(ctx), out.UploadId);
      if (proof) await storeMarker(this.markerScope(ctx), out.UploadId, proof.nonce);
    } catch (err) {
      // The driver records the id in a moment; without a marker an upload left unrecorded is only
      // ever left alone (it holds no part), never taken for another's. Stopping is another matter.
      if (ctx.signal.aborted) throw this.failure(err, "UploadPart", out.UploadId);
    }
    return out.UploadId;
  }

  private markerScope(ctx: UploadContext) {
    return { client: this.client, bucket: this.bucket, key: this.key, checksum: this.checksum, signal: ctx.signal };
  }

  async listParts(uploadId: string, ctx: UploadContext): Promise<ServerPart[] | null> {
    const parts: ServerPart[] = [];
    let marker: string | undefined;
    for (;;) {
      let out;
      try {
        out = await this.client.send(new ListPartsCommand({ Bucket: this.bucket, Key: this.key, UploadId: uploadId, PartNumberMarker: marker }), { abortSignal: ctx.signal });
      } catch (err) {
        if (isS3Error(err, "NoSuchUpload")) return null;
        throw this.failure(err, "ListParts", uploadId);
      }
      for (const p of out.Parts ?? []) {
        // The identity and ownership markers are tartape's bookkeeping, not parts of the tape.
        if (p.PartNumber === IDENTITY_PART_NUMBER || p.PartNumber === MARKER_PART_NUMBER) continue;
        if (p.PartNumber !== undefined && p.Size !== undefined && p.ETag !== undefined) parts.push({ number: p.PartNumber, size: p.Size, etag: unquoteEtag(p.ETag) });
      }
      if (!out.IsTruncated) return parts;
      // A listing that says "more" without moving forward would loop forever.
      if (!out.NextPartNumberMarker || out.NextPartNumberMarker === marker) {
        throw new TargetError("TARGET_ERROR", `${this.endpoint} returned a truncated part listing of upload ${uploadId} without a next marker.`, { retryable: true });
      }
      marker = out.NextPartNumberMarker;
    }
  }

  async uploadPart(uploadId: string, part: PartSpec, body: PartBody, ctx: UploadContext): Promise<PartReceipt> {
    if (body.size !== part.size) throw new IntegrityMismatchError(`Part ${part.number} has ${body.size} bytes to send, the plan says ${part.size}.`);
    return this.checksum === "crc32" ? this.uploadPartCrc32(uploadId, part, body, ctx) : this.uploadPartMd5(uploadId, part, body, ctx);
  }

  private async uploadPartMd5(uploadId: string, part: PartSpec, body: PartBody, ctx: UploadContext): Promise<PartReceipt> {
    // An extra read of the part before sending it (the send then reads it from
    // the page cache); in return the server refuses a part whose bytes differ
    // from this MD5 (BadDigest) instead of acknowledging it: damaged in transit,
    // or a source file rewritten between the two reads. So the send itself
    // needs no second MD5: MD5 is most of the CPU an upload costs.
    const contentMd5 = await body.digest("md5", ctx.signal);
    ctx.signal.throwIfAborted();
    const sent = await this.sendPart(uploadId, part, body, ctx, { ContentMD5: contentMd5.toString("base64") });
    const what = `Part ${part.number} of ${this.location}`;
    const md5 = contentMd5.toString("hex");
    const etag = unquoteEtag(sent.etag ?? "");
    if (etag !== md5) {
      throw new IntegrityMismatchError(
        `${what}: ${this.endpoint} acknowledged it with ETag ${JSON.stringify(etag)}, but the part's Content-MD5, which the server checked, is ${md5}. ` +
          `Either the server stored other bytes, or the bucket encrypts with SSE-KMS/SSE-C, whose ETags are not MD5s: use ${OPTION_WORDS.s3ChecksumCrc32} there (the default).`,
      );
    }
    return { number: part.number, size: part.size, etag, checksum: receiptChecksum("md5", contentMd5.toString("base64")) };
  }

  private async uploadPartCrc32(uploadId: string, part: PartSpec, body: PartBody, ctx: UploadContext): Promise<PartReceipt> {
    // One read: the SDK computes the CRC32 of the bytes it streams and sends it
    // in a trailer; the server refuses the part if its own CRC32 differs
    // (BadDigest), and answers with the CRC32 it checked. A server that answers
    // none did not check one, and its part proves nothing.
    const sent = await this.sendPart(uploadId, part, body, ctx, { ChecksumAlgorithm: "CRC32" });
    const crc = sent.serverCrc32;
    if (crc === undefined || !isBase64Crc32(crc)) {
      throw new IntegrityMismatchError(
        `Part ${part.number} of ${this.location}: ${this.endpoint} acknowledged it without confirming its CRC32 (answered ${JSON.stringify(crc ?? null)}), ` +
          `so it may not check CRC32 trailers. Upload to this server with ${OPTION_WORDS.s3ChecksumMd5}.`,
      );
    }
    return { number: part.number, size: part.size, etag: unquoteEtag(sent.etag ?? ""), checksum: receiptChecksum("crc32", crc) };
  }

  private async sendPart(
    uploadId: string,
    part: PartSpec,
    body: PartBody,
    ctx: UploadContext,
    checksum: Pick<UploadPartCommandInput, "ContentMD5" | "ChecksumAlgorithm">,
  ): Promise<StreamedPart> {
    let sent;
    try {
      const input = { Bucket: this.bucket, Key: this.key, UploadId: uploadId, PartNumber: part.number, ContentLength: part.size, ...checksum, ...this.customerKey };
      sent = await streamPart(this.client, input, body, ctx.signal, this.recycler);
    } catch (err) {
      if (checksum.ChecksumAlgorithm === "CRC32" && refusesChecksumTrailer(err)) {
        throw new TargetError(
          "TARGET_ERROR",
          `${this.endpoint} refused part ${part.number} of ${this.location} with its CRC32 trailer (${errorSummary(err)}): this server does not take aws-chunked checksum trailers. ` +
            `Upload to it with ${OPTION_WORDS.s3ChecksumMd5}, which sends a Content-MD5 header instead.`,
          { cause: err },
        );
      }
      throw this.failure(err, `UploadPart ${part.number}`, uploadId);
    }
    if (sent.sentBytes !== part.size) throw new IntegrityMismatchError(`Part ${part.number} of ${this.location}: ${sent.sentBytes} bytes were sent, the part has ${part.size}.`);
    return sent;
  }

  async complete(uploadId: string, parts: readonly PartReceipt[], ctx: UploadContext): Promise<CompletedObject> {
    const expected = this.expectedObject(parts);
    let out;
    try {
      out = await this.client.send(
        new CompleteMultipartUploadCommand({
          Bucket: this.bucket,
          Key: this.key,
          UploadId: uploadId,
          ...this.customerKey,
          MultipartUpload: { Parts: parts.map((p) => ({ PartNumber: p.number, ETag: `"${p.etag}"`, ...this.partChecksum(p) })) },
        }),
        { abortSignal: ctx.signal },
      );
    } catch (err) {
      // A retry after a lost response: the first attempt may have assembled the object already.
      if (isS3Error(err, "NoSuchUpload")) {
        const head = await this.head(ctx);
        const finished = head && this.isTapeObject(head, ctx) && this.objectProof(head) === expected.value ? this.completedFrom(head, ctx) : null;
        if (finished) return finished;
      }
      throw this.failure(err, "CompleteMultipartUpload", uploadId);
    }
    const answered = this.objectProof(out);
    if (answered !== undefined && answered !== expected.value) {
      throw new IntegrityMismatchError(
        `${this.endpoint} assembled ${this.location} with ${expected.name} ${JSON.stringify(answered)}; the parts sent make ${expected.value}. The object does not hold the tape as uploaded.`,
      );
    }
    const head = await this.head(ctx);
    if (!head) throw new TargetError("TARGET_ERROR", `${this.endpoint} completed ${this.location} but the object cannot be found right after.`, { retryable: true });
    const shown = this.objectProof(head);
    if (head.ContentLength !== ctx.totalSize || shown !== expected.value) {
      throw new IntegrityMismatchError(
        `${this.location} is ${head.ContentLength} bytes with ${expected.name} ${JSON.stringify(shown ?? null)} after completion; ` +
          `the tape is ${ctx.totalSize} bytes and its parts make ${expected.name} ${expected.value}.`,
      );
    }
    return { size: ctx.totalSize, etag: unquoteEtag(out.ETag ?? head.ETag ?? ""), location: this.location };
  }

  /** What the assembled object must show, computed from the parts sent: its multipart ETag, or its composite CRC32. */
  private expectedObject(parts: readonly PartReceipt[]): { name: string; value: string } {
    if (this.checksum === "md5") return { name: "ETag", value: multipartEtag(parts.map((p) => p.etag)) };
    return { name: "CRC32 checksum", value: compositeCrc32(parts.map((p) => this.partCrc32(p))) };
  }

  /** The checksum a part is completed with: its CRC32, for an upload that carries them. */
  private partChecksum(part: PartReceipt): { ChecksumCRC32?: string } {
    return this.checksum === "crc32" ? { ChecksumCRC32: this.partCrc32(part) } : {};
  }

  /** The CRC32 (base64) a part was acknowledged with. */
  private partCrc32(part: PartReceipt): string {
    const crc = checksumOfKind(part.checksum, "crc32");
    if (crc === null) {
      throw new IntegrityMismatchError(`Part ${part.number} of ${this.location} was recorded with checksum ${JSON.stringify(part.checksum)}, not a CRC32: it cannot join an upload that carries CRC32s.`);
    }
    return crc;
  }

  /** What the server says of the whole object, in the form `expectedObject` computes: its ETag, or its CRC32 checksum. */
  private objectProof(answer: { ETag?: string | undefined; ChecksumCRC32?: string | undefined }): string | undefined {
    if (this.checksum === "md5") return answer.ETag === undefined ? undefined : unquoteEtag(answer.ETag);
    return answer.ChecksumCRC32;
  }

  async abort(uploadId: string, ctx: UploadContext): Promise<void> {
    try {
      await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: this.key, UploadId: uploadId }), { abortSignal: ctx.signal });
    } catch (err) {
      // Already aborted, expired or completed: nothing left to discard.
      if (isS3Error(err, "NoSuchUpload")) return;
      throw this.failure(err, "AbortMultipartUpload", uploadId);
    }
  }

  /** Uploads of this key created while the driver was creating one, whose ids it never recorded (see unrecorded-uploads.ts). */
  async abortUnrecorded(ctx: UploadContext, creation: UnrecordedCreation): Promise<string[]> {
    const failure = (err: unknown, operation: string, uploadId?: string) => this.failure(err, operation, uploadId);
    return abortUnrecordedUploads({ ...this.markerScope(ctx), failure }, creation);
  }

  async findCompleted(ctx: UploadContext): Promise<CompletedObject | null> {
    const head = await this.head(ctx);
    return head && this.isTapeObject(head, ctx) ? this.completedFrom(head, ctx) : null;
  }

  /** Whether the object is this tape's: the fingerprint it was created with, and the tape's size. */
  private isTapeObject(head: HeadObjectCommandOutput, ctx: UploadContext): boolean {
    return head.Metadata?.[FINGERPRINT_METADATA] === ctx.fingerprint && head.ContentLength === ctx.totalSize;
  }

  private completedFrom(head: HeadObjectCommandOutput, ctx: UploadContext): CompletedObject {
    return { size: ctx.totalSize, etag: unquoteEtag(head.ETag ?? ""), location: this.location };
  }

  /** The object's metadata (and, with CRC32 parts, its checksum), or null when there is no object. */
  private async head(ctx: UploadContext): Promise<HeadObjectCommandOutput | null> {
    try {
      const input = { Bucket: this.bucket, Key: this.key, ...this.customerKey, ...(this.checksum === "crc32" ? { ChecksumMode: "ENABLED" as const } : {}) };
      return await this.client.send(new HeadObjectCommand(input), { abortSignal: ctx.signal });
    } catch (err) {
      if (isNotFound(err)) return null;
      if (statusOf(err) === 403) throw await this.explainForbidden(err, ctx);
      throw this.failure(err, "HeadObject");
    }
  }

  /**
   * A HEAD answer has no body, so a 403 does not say whether the key id, the
   * secret or a policy is wrong. The same request as a one-byte GET gets the
   * service's error code, for a message that names the actual problem.
   */
  private async explainForbidden(headError: unknown, ctx: UploadContext): Promise<Error> {
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.key, Range: "bytes=0-0", ...this.customerKey }), { abortSignal: ctx.signal });
      await out.Body?.transformToByteArray();
    } catch (err) {
      if (statusOf(err) === 403) return this.failure(err, "GetObject");
    }
    return this.failure(headError, "HeadObject");
  }
}

/** A target that uploads the tape as one S3 object, resumably. */
export function s3Target(options: S3TargetOptions): S3Target {
  return new S3Target(options);
}

/**
 * What S3-compatible servers without flexible checksums answer to an aws-chunked
 * body with a checksum trailer: NotImplemented, or a 400 naming the content
 * SHA-256 mode, the trailer header or the checksum algorithm.
 */
function refusesChecksumTrailer(err: unknown): boolean {
  const status = statusOf(err);
  const text = errorSummary(err);
  if (status === 501 || /^NotImplemented\b/.test(text)) return true;
  return status === 400 && /STREAMING-UNSIGNED-PAYLOAD-TRAILER|x-amz-trailer|x-amz-checksum|x-amz-sdk-checksum|aws-chunked|content-sha256/i.test(text);
}

function errorSummary(err: unknown): string {
  if (err === null || typeof err !== "object") return String(err);
  const { name, message } = err as { name?: unknown; message?: unknown };
  return [name, message].filter((part) => typeof part === "string" && part !== "").join(": ");
}
