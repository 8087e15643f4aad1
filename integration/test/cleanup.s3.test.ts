/** `tartape cleanup` against a real MinIO (cleanup-scenario.ts), beside a multipart upload another client left, one with a look-alike identity part. */
import { CreateMultipartUploadCommand, ListMultipartUploadsCommand, S3Client, UploadPartCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe } from "vitest";
import { s3Harness } from "../src/scenarios/s3-harness.js";
import { CliProcess } from "../src/scenarios/support/cli-process.js";
import { Scratch } from "../src/scenarios/support/scratch.js";
import { cleanupScenario } from "./cleanup-scenario.js";

const harness = s3Harness();
const scratch = new Scratch();

beforeAll(async () => {
  scratch.open("cleanup-s3");
  await harness.setup();
});

afterAll(async () => {
  CliProcess.killAll();
  try {
    await harness.teardown();
  } finally {
    scratch.close();
  }
});

function clientAndBucket(key: string): { client: S3Client; bucket: string } {
  const { url, args, env } = harness.cli(key);
  const endpoint = args[args.indexOf("--endpoint") + 1]!;
  const credentials = { accessKeyId: env["AWS_ACCESS_KEY_ID"]!, secretAccessKey: env["AWS_SECRET_ACCESS_KEY"]! };
  return { client: new S3Client({ endpoint, region: env["AWS_REGION"]!, credentials, forcePathStyle: true }), bucket: url.slice("s3://".length).split("/")[0]! };
}

describe("tartape cleanup on S3", () => {
  cleanupScenario(harness, scratch, () => ({
    async make(key) {
      const { client, bucket } = clientAndBucket(key);
      const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }));
      await client.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId, PartNumber: 1, Body: Buffer.from("someone else's part") }));
      // Part 9,999 as tartape's identity would be, but of another upload: its content does not match this one's.
      await client.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId, PartNumber: 9_999, Body: Buffer.from(`tartape-upload\n${key}\nanother-upload-id`) }));
    },
    async present(key) {
      const { client, bucket } = clientAndBucket(key);
      const out = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: key }));
      return (out.Uploads ?? []).some((u) => u.Key === key);
    },
  }));
});
