/** `s3://bucket/key`: options from flags first, then the standard AWS environment variables. */
import type { Target } from "@tartape/core";
import type { S3ConnectionOptions, S3ServerSideEncryption } from "@tartape/s3";
import { envValue, type ConnectionOptions, type Environment } from "./connection-options.js";

/** Where and as whom to reach S3: flags first, then the standard AWS environment variables. */
export function s3Connection(options: ConnectionOptions, env: Environment): S3ConnectionOptions {
  const endpoint = options.endpoint ?? envValue(env, "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL");
  const region = options.region ?? envValue(env, "AWS_REGION", "AWS_DEFAULT_REGION");
  const accessKeyId = envValue(env, "AWS_ACCESS_KEY_ID");
  const secretAccessKey = envValue(env, "AWS_SECRET_ACCESS_KEY");
  const sessionToken = envValue(env, "AWS_SESSION_TOKEN");
  return {
    ...(options.idleTimeoutMs !== undefined ? { idleTimeoutMs: options.idleTimeoutMs } : {}),
    ...(endpoint !== undefined ? { endpoint } : {}),
    ...(region !== undefined ? { region } : {}),
    // --profile: the shared files' profile, over the environment's keys (as the AWS CLI's --profile).
    ...(options.profile !== undefined ? { profile: options.profile } : {}),
    // Without both keys the SDK's own chain (profile, instance role, ...) decides.
    ...(options.profile === undefined && accessKeyId && secretAccessKey ? { credentials: { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) } } : {}),
    ...(options.pathStyle ? { forcePathStyle: true } : {}),
  };
}

export async function s3TargetFromUrl(url: string, options: ConnectionOptions, env: Environment): Promise<Target> {
  // Loaded on demand: the AWS SDK is large, and only uploads to S3 need it.
  const { s3Target, parseS3Url, parseS3Checksum } = await import("@tartape/s3");
  const { bucket, key } = parseS3Url(url);
  return s3Target({
    bucket,
    key,
    ...(options.partSize !== undefined ? { partSize: options.partSize } : {}),
    ...s3Connection(options, env),
    ...(options.checksum !== undefined ? { checksum: parseS3Checksum(options.checksum, "--checksum") } : {}),
    storageClass: options.storageClass,
    metadata: options.metadata,
    tags: options.tags,
    contentType: options.contentType,
    serverSideEncryption: options.sse as S3ServerSideEncryption | undefined,
    sseKmsKeyId: options.sseKmsKeyId,
    sseCustomerKey: options.sseCustomerKey,
  });
}
