#!/usr/bin/env node
// One upload with @aws-sdk/lib-storage's Upload, in a process of its own. Its
// body is the tape's own read stream, so both uploaders send the same bytes.
// The client is a stock S3Client aimed at the server, as a lib-storage user
// would build it (SDK defaults: retries, and CRC32 checksums unless
// job.checksum is "WHEN_REQUIRED").
// Job: { dir, indexPath, endpoint, region, accessKeyId, secretAccessKey, bucket, key, partSize, concurrency, checksum? }.
import { S3Client } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { openTape } from "@tartape/core";
import { measure, readJob } from "./child.mjs";

const job = readJob();
await measure(async () => {
  const client = new S3Client({
    endpoint: job.endpoint,
    region: job.region,
    forcePathStyle: true,
    credentials: { accessKeyId: job.accessKeyId, secretAccessKey: job.secretAccessKey },
    ...(job.checksum ? { requestChecksumCalculation: job.checksum } : {}),
  });
  const tape = openTape(job.dir, { indexPath: job.indexPath });
  try {
    let sent = 0;
    const upload = new Upload({
      client,
      params: { Bucket: job.bucket, Key: job.key, Body: tape.createReadStream(), ContentType: "application/x-tar" },
      partSize: job.partSize,
      queueSize: job.concurrency,
      leavePartsOnError: false,
    });
    upload.on("httpUploadProgress", (p) => {
      if (p.loaded !== undefined) sent = p.loaded;
    });
    await upload.done();
    return sent;
  } finally {
    tape.close();
    client.destroy();
  }
});
