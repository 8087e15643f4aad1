/** The S3 client tartape builds when the caller does not bring one. */
import { S3Client } from "@aws-sdk/client-s3";
import { RememberingCrc32, type ChunkRecycler } from "@tartape/core";
import { recyclingAgents } from "./recycling-agents.js";

export interface S3Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface S3ConnectionOptions {
  /** An S3-compatible endpoint (MinIO, Ceph, R2, …), e.g. `http://127.0.0.1:9000`. Default: AWS S3. */
  readonly endpoint?: string;
  /** Default: the SDK's chain (AWS_REGION, profile); `us-east-1` with a custom endpoint. */
  readonly region?: string;
  /** Default: the SDK's chain (environment, profile, instance role). */
  readonly credentials?: S3Credentials;
  /**
   * A profile of the AWS shared config and credentials files (~/.aws/config, ~/.aws/credentials, or
   * AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE): its credentials (keys, SSO, role to assume, process)
   * and region. Taken over AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, as the AWS CLI's --profile is.
   */
  readonly profile?: string;
  /** Address buckets as `endpoint/bucket/key`. Default: true with a custom endpoint (no bucket DNS there), false for AWS. */
  readonly forcePathStyle?: boolean;
  /**
   * A request whose connection is silent this long (nothing sent, no answer) is given up, and the
   * driver sends it again. Inactivity, not total time: a large part may take long. Default 120 s.
   */
  readonly idleTimeoutMs?: number;
}

export const DEFAULT_IDLE_TIMEOUT_MS = 120_000;

/** The SDK warns on the console whenever a streaming request fails; tartape reports those failures itself. */
const silentLogger = { trace() {}, debug() {}, info() {}, warn() {}, error() {} };

/** With `recycler`, the client's sockets give back the chunks it lent to part bodies once written (recycling-agents.ts). */
export function createS3Client(options: S3ConnectionOptions, recycler?: ChunkRecycler): S3Client {
  const region = options.region ?? (options.endpoint ? "us-east-1" : undefined);
  return new S3Client({
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(region ? { region } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    ...(options.profile !== undefined ? { profile: options.profile } : {}),
    forcePathStyle: options.forcePathStyle ?? options.endpoint !== undefined,
    // The driver retries every call with its own backoff, and a part with a fresh stream; SDK retries would stack on top.
    maxAttempts: 1,
    // The target asks for a part's checksum itself: Content-MD5, which every S3-compatible server
    // checks, or (checksum: "crc32") the CRC32 trailer in aws-chunked encoding, which some refuse.
    // The SDK's default would add that trailer to every request.
    requestChecksumCalculation: "WHEN_REQUIRED",
    // The trailer's CRC32 reuses the CRC-32 each large file's chunk already got for the catalog
    // (one pass over the bytes instead of two); any other bytes are digested as the SDK's own would.
    checksumAlgorithms: { CRC32: RememberingCrc32 },
    responseChecksumValidation: "WHEN_REQUIRED",
    requestHandler: {
      connectionTimeout: 10_000,
      // Inactivity, not total time: a 5 GiB part may take long, but a socket silent this long is dead.
      socketTimeout: options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
      ...(recycler ? recyclingAgents(recycler) : {}),
    },
    logger: silentLogger,
  });
}

/** Where requests go, as messages should name it. */
export function describeEndpoint(options: S3ConnectionOptions, callerClient: boolean): string {
  if (options.endpoint) return options.endpoint;
  if (callerClient) return "the S3 client's endpoint";
  return options.region ? `AWS S3 (${options.region})` : "AWS S3";
}
