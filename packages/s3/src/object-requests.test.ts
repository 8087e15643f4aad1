/**
 * The requests the AWS SDK would send for object options no emulator here
 * checks (SSE-C needs TLS on MinIO; SSE-KMS needs a KMS): captured by a
 * middleware at the end of the SDK's build step, after serialization, and
 * stopped there. Nothing is mocked: the target and the SDK run as they do.
 */
import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import type { PartBody, UploadContext } from "@tartape/core";
import { describe, expect, it } from "vitest";
import { createS3Client } from "./client.js";
import { s3Target, type S3TargetOptions } from "./target.js";

const KEY = Buffer.alloc(32, 5);
const KEY_MD5 = createHash("md5").update(KEY).digest("base64");
const CAPTURED = "captured by the test";

interface Sent {
  readonly command: string;
  readonly headers: Record<string, string>;
}

function capturingTarget(options: Partial<S3TargetOptions>): { target: ReturnType<typeof s3Target>; sent: Sent[] } {
  const sent: Sent[] = [];
  const client = createS3Client({ endpoint: "http://127.0.0.1:9", credentials: { accessKeyId: "id", secretAccessKey: "secret" } });
  client.middlewareStack.add(
    (_next, context) => async (args) => {
      const request = args.request as { headers: Record<string, string> };
      sent.push({ command: String(context.commandName), headers: { ...request.headers } });
      throw new Error(CAPTURED);
    },
    { step: "build", priority: "low", name: "captureRequest" },
  );
  return { target: s3Target({ bucket: "b-1", key: "k", endpoint: "http://127.0.0.1:9", client, ...options }), sent };
}

const ctx: UploadContext = { fingerprint: "f".repeat(64), totalSize: 5 * 1024 * 1024, partSize: 5 * 1024 * 1024, partCount: 1, tapeName: "t_ffffffff", signal: new AbortController().signal };
const body: PartBody = { size: ctx.totalSize, open: () => Readable.from([Buffer.alloc(ctx.totalSize)]), digest: async () => Buffer.alloc(16) };
const part = { number: 1, start: 0, end: ctx.totalSize, size: ctx.totalSize };

async function attempt(call: Promise<unknown>): Promise<void> {
  await expect(call).rejects.toThrow();
}

describe("S3 object options in the requests the SDK sends", () => {
  it("SSE-C: the create, every part, the complete and the HEAD carry the customer key and its MD5", async () => {
    const { target, sent } = capturingTarget({ sseCustomerKey: KEY });
    await attempt(target.createUpload(ctx));
    await attempt(target.uploadPart("u1", part, body, ctx));
    await attempt(target.complete("u1", [{ number: 1, size: ctx.totalSize, etag: "e", checksum: "crc32:AAAAAA==" }], ctx));
    await attempt(target.findCompleted(ctx));
    expect(sent.map((s) => s.command)).toEqual(["CreateMultipartUploadCommand", "UploadPartCommand", "CompleteMultipartUploadCommand", "HeadObjectCommand"]);
    for (const { command, headers } of sent) {
      expect(headers["x-amz-server-side-encryption-customer-algorithm"], command).toBe("AES256");
      expect(headers["x-amz-server-side-encryption-customer-key"], command).toBe(KEY.toString("base64"));
      expect(headers["x-amz-server-side-encryption-customer-key-md5"], command).toBe(KEY_MD5);
    }
  });

  it("SSE-KMS, storage class, tags, metadata and content type go with the create, and nothing of them with a part", async () => {
    const { target, sent } = capturingTarget({
      serverSideEncryption: "aws:kms",
      sseKmsKeyId: "alias/backups",
      storageClass: "DEEP_ARCHIVE",
      tags: { team: "data" },
      metadata: { owner: "ops" },
      contentType: "application/octet-stream",
    });
    await attempt(target.createUpload(ctx));
    await attempt(target.uploadPart("u1", part, body, ctx));
    const [create, upload] = sent;
    expect(create!.headers).toMatchObject({
      "x-amz-server-side-encryption": "aws:kms",
      "x-amz-server-side-encryption-aws-kms-key-id": "alias/backups",
      "x-amz-storage-class": "DEEP_ARCHIVE",
      "x-amz-tagging": "team=data",
      "x-amz-meta-owner": "ops",
      "x-amz-meta-tartape-fingerprint": ctx.fingerprint,
      "content-type": "application/octet-stream",
    });
    expect(Object.keys(upload!.headers).filter((h) => /server-side|storage-class|tagging|x-amz-meta/.test(h))).toEqual([]);
  });

  it("name the upload's options, so a resume with others is refused", () => {
    const plain = capturingTarget({}).target;
    const archived = capturingTarget({ storageClass: "DEEP_ARCHIVE", sseCustomerKey: KEY }).target;
    expect(archived.id).toBe(plain.id);
    expect(archived.objectIdentity).toEqual({ id: plain.objectIdentity.id, options: { checksum: "crc32", storageClass: "DEEP_ARCHIVE", sseCustomerKey: `MD5 ${KEY_MD5}` } });
  });
});
