/**
 * The scenario harness for the S3 target, against MinIO (or the endpoint in
 * TARTAPE_S3_ENDPOINT). One bucket holds every key; a fault proxy sits in
 * front of MinIO for the fault scenarios. The "server down" target points at
 * a loopback port nothing listens on.
 */
import { randomBytes } from "node:crypto";
import { DeleteObjectCommand, GetObjectCommand, ListMultipartUploadsCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import type { Target } from "@tartape/core";
import { S3_LIMITS, s3Target, type S3Checksum, type S3TargetOptions } from "@tartape/s3";
import { s3ClientConfig, startMinio, type MinioServer } from "../index.js";
import { createBucketWhenReady } from "../s3-bucket.js";
import type { BadTarget, CliDestination, FaultControl, MakeTargetOptions, TargetHarness } from "./harness.js";
import { ServedServer } from "./served-server.js";
import { FreshKeys } from "./support/keys.js";

const BUCKET = "tartape-scenarios";
const EXTERNAL_ENDPOINT_ENV = "TARTAPE_S3_ENDPOINT";

/** The fault proxy speaks plain HTTP; an external https endpoint cannot be put behind it. */
function externalEndpointIsHttps(): boolean {
  return process.env[EXTERNAL_ENDPOINT_ENV]?.startsWith("https:") ?? false;
}

function errorName(err: unknown): string | undefined {
  return (err as { name?: string }).name;
}

/**
 * UploadPart of the tape's parts only (`PUT ...?partNumber=N&uploadId=...`): create, list, complete and reads stay clean,
 * and so do the identity and ownership markers (parts 9,999 and 10,000, stored with the create), so a rule's Nth request is a part of the tape.
 */
const PART_UPLOADS = { method: "PUT", pathPattern: /[?&]partNumber=(?!(?:9999|10000)(?:&|$))\d+/ };
/** CompleteMultipartUpload: `POST ...?uploadId=...` (CreateMultipartUpload is `POST ...?uploads`). */
const FINAL_STEP = { method: "POST", pathPattern: /[?&]uploadId=/ };

class S3Harness implements TargetHarness {
  readonly name: string;
  readonly minPartSize = S3_LIMITS.minPartSize;
  private readonly served = new ServedServer<MinioServer, S3Client>(
    {
      label: "S3",
      remote: "the S3 endpoint in use",
      start: () => startMinio(),
      endpoint: (minio) => minio.endpoint,
      connect: (minio) => new S3Client({ ...s3ClientConfig(minio), maxAttempts: 1 }),
      prepare: (admin) => createBucketWhenReady(admin, BUCKET),
      release: (admin) => admin.destroy(),
    },
    !externalEndpointIsHttps(),
  );
  readonly faults: FaultControl | null = this.served.faults(PART_UPLOADS, FINAL_STEP);
  private readonly keys = new FreshKeys();

  /** `checksum`: the part checksum every target and CLI run of this harness uses (the target's default when absent). */
  constructor(private readonly checksum?: S3Checksum) {
    this.name = checksum ? `s3 (checksum ${checksum})` : "s3";
  }

  setup(): Promise<void> {
    return this.served.start();
  }

  teardown(): Promise<void> {
    return this.served.stop();
  }

  /** Everything a target needs to reach MinIO, but the bucket and key. */
  private connection(overrides: Partial<S3TargetOptions> = {}): Omit<S3TargetOptions, "bucket" | "key"> {
    const minio = this.served.get().server;
    return {
      endpoint: minio.endpoint,
      region: minio.region,
      credentials: { accessKeyId: minio.accessKey, secretAccessKey: minio.secretKey },
      ...(this.checksum ? { checksum: this.checksum } : {}),
      ...overrides,
    };
  }

  freshKey(label: string): string {
    return this.keys.next(label);
  }

  makeTarget(key: string, options: MakeTargetOptions = {}): Target {
    return s3Target({
      bucket: BUCKET,
      key,
      ...this.connection({ endpoint: this.served.endpoint({ viaProxy: options.viaProxy }) }),
      ...(options.partSize !== undefined ? { partSize: options.partSize } : {}),
      ...(options.limits ? { limits: options.limits } : {}),
      ...(options.idleTimeoutMs !== undefined ? { idleTimeoutMs: options.idleTimeoutMs } : {}),
    });
  }

  async putObject(key: string, bytes: Buffer): Promise<void> {
    await this.served.get().client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: bytes }));
  }

  async readObject(key: string): Promise<Buffer | null> {
    try {
      const out = await this.served.get().client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
      return Buffer.from(await out.Body!.transformToByteArray());
    } catch (err) {
      if (errorName(err) === "NoSuchKey") return null;
      throw err;
    }
  }

  async deleteObject(key: string): Promise<void> {
    await this.served.get().client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: key }));
  }

  /** Multipart uploads of this key that were neither completed nor aborted: their parts are stored (and billed) still. */
  async leftovers(key: string): Promise<string[]> {
    const found: string[] = [];
    let keyMarker: string | undefined;
    let uploadIdMarker: string | undefined;
    for (;;) {
      const out = await this.served.get().client.send(
        new ListMultipartUploadsCommand({ Bucket: BUCKET, Prefix: key, KeyMarker: keyMarker, UploadIdMarker: uploadIdMarker }),
      );
      for (const upload of out.Uploads ?? []) if (upload.Key === key) found.push(`multipart upload ${upload.UploadId}`);
      if (!out.IsTruncated) return found;
      keyMarker = out.NextKeyMarker;
      uploadIdMarker = out.NextUploadIdMarker;
    }
  }

  cli(key: string, options: { viaProxy?: boolean } = {}): CliDestination {
    const minio = this.served.get().server;
    return {
      url: `s3://${BUCKET}/${key}`,
      args: ["--endpoint", this.served.endpoint(options), ...(this.checksum ? ["--checksum", this.checksum] : [])],
      env: { AWS_ACCESS_KEY_ID: minio.accessKey, AWS_SECRET_ACCESS_KEY: minio.secretKey, AWS_REGION: minio.region },
    };
  }

  badTargets(): { missingContainer: BadTarget; wrongCredentials: BadTarget | null; serverDown: BadTarget } {
    const { server: minio, downPort } = this.served.get();
    const missing = `tartape-missing-${this.keys.runTag}`;
    const down = `http://127.0.0.1:${downPort}`;
    const wrongSecret = { accessKeyId: minio.accessKey, secretAccessKey: randomBytes(20).toString("hex") };
    return {
      missingContainer: { target: s3Target({ bucket: missing, key: "x.tar", ...this.connection() }), messageIncludes: `Bucket '${missing}' does not exist` },
      wrongCredentials: { target: s3Target({ bucket: BUCKET, key: "x.tar", ...this.connection({ credentials: wrongSecret }) }), messageIncludes: "SignatureDoesNotMatch" },
      serverDown: { target: s3Target({ bucket: BUCKET, key: "x.tar", ...this.connection({ endpoint: down }) }), messageIncludes: `127.0.0.1:${downPort}` },
    };
  }
}

export function s3Harness(options: { checksum?: S3Checksum } = {}): TargetHarness {
  return new S3Harness(options.checksum);
}
