/**
 * The S3 target: one tape = one multipart upload, one volume = one part.
 * Every part carries a Content-MD5 the server checks before it acknowledges,
 * and the ETags it returns are held against MD5s computed from the bytes
 * actually sent, part by part and for the assembled object.
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
} from "@aws-sdk/client-s3";
import {
  IntegrityMismatchError,
  TargetError,
  type CompletedObject,
  type PartBody,
  type PartReceipt,
  type PartSpec,
  type ServerPart,
  type Target,
  type TargetLimits,
  type UnrecordedCreation,
  type UploadContext,
} from "@tartape/core";
import { createS3Client, describeEndpoint, type S3ConnectionOptions } from "./client.js";
import { isNotFound, isS3Error, statusOf, toTargetError, type S3RequestContext } from "./errors.js";
import { multipartEtag, unquoteEtag } from "./etag.js";
import { streamPart } from "./stream-part.js";
import { abortUnrecordedUploads } from "./unrecorded-uploads.js";
import { checkS3Location } from "./url.js";

const MiB = 1024 * 1024;

/** S3's multipart limits (MinIO's are the same). */
export const S3_LIMITS: TargetLimits = { minPartSize: 5 * MiB, maxPartSize: 5 * 1024 * MiB, maxParts: 10_000 };

/** Object metadata that ties the finished object to the tape it holds. */
const FINGERPRINT_METADATA = "tartape-fingerprint";
const SIZE_METADATA = "tartape-size";

export interface S3TargetOptions extends S3ConnectionOptions {
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

export class S3Target implements Target {
  readonly id: string;
  readonly partSize: number | undefined;
  readonly limits: TargetLimits;
  readonly bucket: string;
  readonly key: string;
  readonly client: S3Client;
  /** How messages name the server: the endpoint URL or "AWS S3". */
  readonly endpoint: string;

  constructor(options: S3TargetOptions) {
    checkS3Location(options);
    this.bucket = options.bucket;
    this.key = options.key;
    // Two servers never share upload state: the endpoint is part of the identity.
    this.id = `s3://${this.bucket}/${this.key}` + (options.endpoint ? `?endpoint=${endpointLabel(options.endpoint)}` : "");
    this.partSize = options.partSize;
    this.limits = { ...S3_LIMITS, ...options.limits };
    this.client = options.client ?? createS3Client(options);
    this.endpoint = describeEndpoint(options, options.client !== undefined);
  }

  private get location(): string {
    return `s3://${this.bucket}/${this.key}`;
  }

  private failure(err: unknown, operation: string, uploadId?: string): Error {
    const ctx: S3RequestContext = { operation, bucket: this.bucket, key: this.key, endpoint: this.endpoint, ...(uploadId ? { uploadId } : {}) };
    return toTargetError(err, ctx);
  }

  async createUpload(ctx: UploadContext): Promise<string> {
    const out = await this.client
      .send(
        new CreateMultipartUploadCommand({
          Bucket: this.bucket,
          Key: this.key,
          ContentType: "application/x-tar",
          Metadata: { [FINGERPRINT_METADATA]: ctx.fingerprint, [SIZE_METADATA]: String(ctx.totalSize) },
        }),
        { abortSignal: ctx.signal },
      )
      .catch((err: unknown) => {
        throw this.failure(err, "CreateMultipartUpload");
      });
    if (!out.UploadId) throw new TargetError("TARGET_ERROR", `${this.endpoint} started a multipart upload of ${this.location} but returned no upload id.`, { retryable: true });
    return out.UploadId;
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
    // An extra read of the part before sending it (the send then reads it from
    // the page cache); in return the server refuses a part whose bytes differ
    // from this MD5 (BadDigest) instead of acknowledging it: damaged in transit,
    // or a source file rewritten between the two reads. So the send itself
    // needs no second MD5: MD5 is most of the CPU an upload costs.
    const contentMd5 = await body.digest("md5");
    ctx.signal.throwIfAborted();
    let sent;
    try {
      sent = await streamPart(
        this.client,
        { Bucket: this.bucket, Key: this.key, UploadId: uploadId, PartNumber: part.number, ContentLength: part.size, ContentMD5: contentMd5.toString("base64") },
        body,
        ctx.signal,
      );
    } catch (err) {
      throw this.failure(err, `UploadPart ${part.number}`, uploadId);
    }
    const what = `Part ${part.number} of ${this.location}`;
    if (sent.sentBytes !== part.size) throw new IntegrityMismatchError(`${what}: ${sent.sentBytes} bytes were sent, the part has ${part.size}.`);
    const md5 = contentMd5.toString("hex");
    const etag = unquoteEtag(sent.etag ?? "");
    if (etag !== md5) {
      throw new IntegrityMismatchError(
        `${what}: ${this.endpoint} acknowledged it with ETag ${JSON.stringify(etag)}, but the part's Content-MD5, which the server checked, is ${md5}. ` +
          "Either the server stored other bytes, or the bucket encrypts with SSE-KMS/SSE-C, whose ETags are not MD5s and cannot be verified.",
      );
    }
    return { number: part.number, size: part.size, etag, checksum: `md5:${contentMd5.toString("base64")}` };
  }

  async complete(uploadId: string, parts: readonly PartReceipt[], ctx: UploadContext): Promise<CompletedObject> {
    const expected = multipartEtag(parts.map((p) => p.etag));
    let out;
    try {
      out = await this.client.send(
        new CompleteMultipartUploadCommand({
          Bucket: this.bucket,
          Key: this.key,
          UploadId: uploadId,
          MultipartUpload: { Parts: parts.map((p) => ({ PartNumber: p.number, ETag: `"${p.etag}"` })) },
        }),
        { abortSignal: ctx.signal },
      );
    } catch (err) {
      // A retry after a lost response: the first attempt may have assembled the object already.
      if (isS3Error(err, "NoSuchUpload")) {
        const finished = await this.findCompleted(ctx);
        if (finished?.etag === expected) return finished;
      }
      throw this.failure(err, "CompleteMultipartUpload", uploadId);
    }
    const etag = unquoteEtag(out.ETag ?? "");
    if (etag !== expected) {
      throw new IntegrityMismatchError(
        `${this.endpoint} assembled ${this.location} with ETag ${JSON.stringify(etag)}; the parts sent make ${expected}. The object does not hold the tape as uploaded.`,
      );
    }
    const head = await this.head(ctx);
    if (!head) throw new TargetError("TARGET_ERROR", `${this.endpoint} completed ${this.location} but the object cannot be found right after.`, { retryable: true });
    if (head.ContentLength !== ctx.totalSize || unquoteEtag(head.ETag ?? "") !== expected) {
      throw new IntegrityMismatchError(
        `${this.location} is ${head.ContentLength} bytes with ETag ${head.ETag} after completion; the tape is ${ctx.totalSize} bytes with ETag ${expected}.`,
      );
    }
    return { size: ctx.totalSize, etag, location: this.location };
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
    return abortUnrecordedUploads({ client: this.client, bucket: this.bucket, key: this.key, signal: ctx.signal, failure }, creation);
  }

  async findCompleted(ctx: UploadContext): Promise<CompletedObject | null> {
    const head = await this.head(ctx);
    if (!head || head.Metadata?.[FINGERPRINT_METADATA] !== ctx.fingerprint || head.ContentLength !== ctx.totalSize) return null;
    return { size: ctx.totalSize, etag: unquoteEtag(head.ETag ?? ""), location: this.location };
  }

  /** The object's metadata, or null when there is no object. */
  private async head(ctx: UploadContext): Promise<HeadObjectCommandOutput | null> {
    try {
      return await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.key }), { abortSignal: ctx.signal });
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
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.key, Range: "bytes=0-0" }), { abortSignal: ctx.signal });
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
