/** A bucket on a MinIO that may have just started. */
import { setTimeout as sleep } from "node:timers/promises";
import { CreateBucketCommand, type S3Client } from "@aws-sdk/client-s3";

function errorName(err: unknown): string | undefined {
  return (err as { name?: string }).name;
}

/**
 * Creates `bucket` (keeping one that exists). MinIO answers its liveness probe
 * a moment before it serves S3 (503 XMinioServerNotInitialized), so that answer
 * is waited out for up to `timeoutMs`.
 */
export async function createBucketWhenReady(client: S3Client, bucket: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await client.send(new CreateBucketCommand({ Bucket: bucket }));
      return;
    } catch (err) {
      // An external endpoint may keep the bucket from an earlier run.
      if (errorName(err) === "BucketAlreadyOwnedByYou") return;
      if (errorName(err) !== "XMinioServerNotInitialized" || Date.now() > deadline) throw err;
      await sleep(100);
    }
  }
}
