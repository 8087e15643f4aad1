/**
 * The S3 reading side: a tape object (and its catalog) read back by byte
 * range, every read pinned to the ETag seen by stat with If-Match, so two
 * versions of an object never mix. Same connection options and error mapping
 * as the target.
 */
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { CATALOG_SUFFIX, ObjectChangedError, type ObjectVersion, type PartBody, type RemoteObjects, type Source } from "@tartape/core";
import { Readable } from "node:stream";
import { createS3Client, describeEndpoint, type S3ConnectionOptions } from "./client.js";
import { isNotFound, statusOf, toTargetError } from "./errors.js";
import { checkS3Location } from "./url.js";

/** Object metadata the target writes on the tape object (target.ts). */
const FINGERPRINT_METADATA = "tartape-fingerprint";

export interface S3SourceOptions extends S3ConnectionOptions {
  readonly bucket: string;
  readonly key: string;
  /** A client of your own, used as is. */
  readonly client?: S3Client;
}

export class S3Source implements Source {
  readonly id: string;
  private readonly client: S3Client;
  private readonly endpoint: string;
  readonly bucket: string;
  readonly key: string;

  constructor(options: S3SourceOptions, shared?: { client: S3Client; endpoint: string }) {
    checkS3Location(options);
    this.bucket = options.bucket;
    this.key = options.key;
    this.id = `s3://${this.bucket}/${this.key}`;
    this.client = shared?.client ?? options.client ?? createS3Client(options);
    this.endpoint = shared?.endpoint ?? describeEndpoint(options, options.client !== undefined);
  }

  private failure(err: unknown, operation: string): Error {
    return toTargetError(err, { operation, bucket: this.bucket, key: this.key, endpoint: this.endpoint });
  }

  async stat(signal?: AbortSignal): Promise<ObjectVersion | null> {
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.key }), signal ? { abortSignal: signal } : {});
      return { size: head.ContentLength ?? 0, version: head.ETag ?? "", fingerprint: head.Metadata?.[FINGERPRINT_METADATA] };
    } catch (err) {
      const status = statusOf(err);
      // A HEAD answer has no body: a one-byte GET says whether the bucket, the key or the credentials are the problem.
      if (isNotFound(err) || status === 403 || status === 404) return this.explainHead(err, signal);
      throw this.failure(err, "HeadObject");
    }
  }

  private async explainHead(headError: unknown, signal?: AbortSignal): Promise<null> {
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.key, Range: "bytes=0-0" }), signal ? { abortSignal: signal } : {});
      await out.Body?.transformToByteArray();
    } catch (err) {
      if (isNotFound(err)) return null;
      throw this.failure(err, "GetObject");
    }
    if (isNotFound(headError)) return null;
    throw this.failure(headError, "HeadObject");
  }

  async read(start: number, end: number, version: ObjectVersion, signal?: AbortSignal): Promise<Readable> {
    if (end <= start) return Readable.from([]);
    try {
      const out = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: this.key, Range: `bytes=${start}-${end - 1}`, IfMatch: version.version }),
        signal ? { abortSignal: signal } : {},
      );
      return out.Body as Readable;
    } catch (err) {
      if (statusOf(err) === 412 || isNotFound(err)) throw new ObjectChangedError(this.id);
      throw this.failure(err, "GetObject");
    }
  }

  /** Stores `body` as this object in one PutObject with its Content-MD5 (a catalog is small: one request). */
  async put(body: PartBody, signal: AbortSignal): Promise<void> {
    const md5 = await body.digest("md5", signal);
    try {
      await this.client.send(
        new PutObjectCommand({ Bucket: this.bucket, Key: this.key, Body: body.open(), ContentLength: body.size, ContentMD5: md5.toString("base64"), ContentType: "application/octet-stream" }),
        { abortSignal: signal },
      );
    } catch (err) {
      throw this.failure(err, "PutObject");
    }
  }
}

/** A tape object and its catalog beside it (`<key>.tartape-catalog`), sharing one client. */
export function s3RemoteObjects(options: S3SourceOptions, shared?: { client: S3Client; endpoint: string }): RemoteObjects {
  const connection = shared ?? { client: options.client ?? createS3Client(options), endpoint: describeEndpoint(options, options.client !== undefined) };
  const tape = new S3Source(options, connection);
  const catalog = new S3Source({ ...options, key: options.key + CATALOG_SUFFIX }, connection);
  return { tape, catalog, putCatalog: (body, signal) => catalog.put(body, signal) };
}
