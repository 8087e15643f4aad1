/** `tartape cleanup` against a real MinIO (cleanup-scenario.ts), beside a multipart upload another client left, one with a look-alike identity part; uploads with either part checksum. */
import { CreateMultipartUploadCommand, ListMultipartUploadsCommand, S3Client, UploadPartCommand } from "@aws-sdk/client-s3";
import { describe } from "vitest";
import { s3Harness } from "../src/scenarios/s3-harness.js";
import { useHarnesses } from "../src/scenarios/support/harness-hooks.js";
import { Scratch } from "../src/scenarios/support/scratch.js";
import type { TargetHarness } from "../src/scenarios/harness.js";
import { cleanupScenario, type ForeignLeftover } from "./cleanup-scenario.js";

const harness = s3Harness();
/** Uploads whose parts carry Content-MD5: the identity part is then recognised by its ETag alone. */
const md5Harness = s3Harness({ checksum: "md5" });
const scratch = new Scratch();

useHarnesses(scratch, "cleanup-s3", harness, md5Harness);

function clientAndBucket(on: TargetHarness, key: string): { client: S3Client; bucket: string } {
  const { url, args, env } = on.cli(key);
  const endpoint = args[args.indexOf("--endpoint") + 1]!;
  const credentials = { accessKeyId: env["AWS_ACCESS_KEY_ID"]!, secretAccessKey: env["AWS_SECRET_ACCESS_KEY"]! };
  return { client: new S3Client({ endpoint, region: env["AWS_REGION"]!, credentials, forcePathStyle: true }), bucket: url.slice("s3://".length).split("/")[0]! };
}

/** Another client's multipart upload, with a part 9,999 shaped as tartape's identity would be, but for another upload. */
function otherClientsUpload(on: TargetHarness): ForeignLeftover {
  return {
    async make(key) {
      const { client, bucket } = clientAndBucket(on, key);
      const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }));
      await client.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId, PartNumber: 1, Body: Buffer.from("someone else's part") }));
      await client.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId, PartNumber: 9_999, Body: Buffer.from(`tartape-upload\n${key}\nanother-upload-id`) }));
    },
    async present(key) {
      const { client, bucket } = clientAndBucket(on, key);
      const out = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: key }));
      return (out.Uploads ?? []).some((u) => u.Key === key);
    },
  };
}

describe("tartape cleanup on S3", () => {
  cleanupScenario(harness, scratch, () => otherClientsUpload(harness));
});

describe("tartape cleanup on S3, uploads made with --checksum md5", () => {
  cleanupScenario(md5Harness, scratch, () => otherClientsUpload(md5Harness));
});
