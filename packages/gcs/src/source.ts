/**
 * The GCS reading side: an object (the tape, or its catalog) read back by
 * byte range, each read naming the generation seen by stat, so bytes of two
 * versions never mix (a replaced object's old generation is gone: the read
 * fails). Same client, connection options and error mapping as the target.
 */
import { PassThrough, Readable } from "node:stream";
import type { Storage } from "@google-cloud/storage";
import { CATALOG_SUFFIX, ObjectChangedError, type ObjectVersion, type PartBody, type RemoteObjects, type Source } from "@tartape/core";
import { createStorage, describeEndpoint, type GcsConnectionOptions } from "./client.js";
import { isNotFound, isPreconditionFailed, toTargetError } from "./errors.js";
import { statObject } from "./objects.js";
import { uploadObject } from "./part-upload.js";
import { checkGcsLocation } from "./url.js";

/** Custom metadata the target writes on the tape object (target.ts). */
const FINGERPRINT_METADATA = "tartape-fingerprint";
const PUT_IDLE_TIMEOUT_MS = 120_000;

export interface GcsSourceOptions extends GcsConnectionOptions {
  readonly bucket: string;
  readonly key: string;
  /** A client of your own, used as is. */
  readonly storage?: Storage;
}

export class GcsSource implements Source {
  readonly id: string;
  private readonly storage: Storage;
  private readonly endpoint: string;
  readonly bucketName: string;
  readonly key: string;

  constructor(options: GcsSourceOptions) {
    checkGcsLocation(options);
    this.bucketName = options.bucket;
    this.key = options.key;
    this.id = `gs://${this.bucketName}/${this.key}`;
    this.storage = options.storage ?? createStorage(options);
    this.endpoint = describeEndpoint(this.storage.apiEndpoint);
  }

  private failure(err: unknown, operation: string): Error {
    return toTargetError(err, { operation, bucket: this.bucketName, key: this.key, endpoint: this.endpoint });
  }

  async stat(signal?: AbortSignal): Promise<ObjectVersion | null> {
    try {
      const object = await statObject(this.storage.bucket(this.bucketName), this.key, signal ?? new AbortController().signal);
      return object ? { size: object.size, version: object.generation, fingerprint: object.metadata[FINGERPRINT_METADATA] } : null;
    } catch (err) {
      throw this.failure(err, "objects.get");
    }
  }

  async read(start: number, end: number, version: ObjectVersion, signal?: AbortSignal): Promise<Readable> {
    if (end <= start) return Readable.from([]);
    signal?.throwIfAborted();
    const file = this.storage.bucket(this.bucketName).file(this.key, { generation: Number(version.version) });
    // The client reports a failed request on the stream; it is mapped on the way out.
    const out = new PassThrough();
    const source = file.createReadStream({ start, end: end - 1, validation: false });
    source.on("error", (err) => out.destroy(isNotFound(err) || isPreconditionFailed(err) ? new ObjectChangedError(this.id) : this.failure(err, "objects.get (media)")));
    signal?.addEventListener("abort", () => source.destroy(signal.reason as Error), { once: true });
    return source.pipe(out);
  }

  /** Stores `body` as this object in one request with its MD5 (a catalog is small). */
  async put(body: PartBody, signal: AbortSignal): Promise<void> {
    const md5 = await body.digest("md5", signal);
    try {
      await uploadObject({ storage: this.storage, bucket: this.bucketName, name: this.key, body, md5, ifAbsent: false, signal, idleTimeoutMs: PUT_IDLE_TIMEOUT_MS });
    } catch (err) {
      throw this.failure(err, "objects.insert");
    }
  }
}

/** A tape object and its catalog beside it (`<key>.tartape-catalog`), through one client. */
export function gcsRemoteObjects(options: GcsSourceOptions): RemoteObjects {
  const storage = options.storage ?? createStorage(options);
  const tape = new GcsSource({ ...options, storage });
  const catalog = new GcsSource({ ...options, key: options.key + CATALOG_SUFFIX, storage });
  return { tape, catalog, putCatalog: (body, signal) => catalog.put(body, signal) };
}
