#!/usr/bin/env node
// One upload with tartape's driver and S3 target, in a process of its own.
// Job: { dir, indexPath, endpoint, region, accessKeyId, secretAccessKey, bucket, key, partSize, concurrency, s3Checksum? }.
import { uploadTape } from "@tartape/core";
import { s3Target } from "@tartape/s3";
import { measure, readJob } from "./child.mjs";

const job = readJob();
await measure(async () => {
  const target = s3Target({
    endpoint: job.endpoint,
    region: job.region,
    credentials: { accessKeyId: job.accessKeyId, secretAccessKey: job.secretAccessKey },
    bucket: job.bucket,
    key: job.key,
    partSize: job.partSize,
    ...(job.s3Checksum ? { checksum: job.s3Checksum } : {}),
  });
  const result = await uploadTape(job.dir, target, { concurrency: job.concurrency, indexPath: job.indexPath, fixedPartSize: true });
  if (result.status !== "completed" || result.partsSkipped !== 0) {
    throw new Error(`expected a fresh upload of every part, got ${result.status} with ${result.partsSkipped} part(s) skipped`);
  }
  return result.bytesUploaded;
});
