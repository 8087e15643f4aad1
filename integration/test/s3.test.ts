/**
 * The S3 target against a real MinIO: the object is the tape byte for byte at
 * the part counts where off-by-one errors live, interrupted uploads resume
 * with only the missing parts, a vanished upload starts over cleanly, bad
 * input fails with typed errors that say what to do, and injected 503s and
 * connection resets on part uploads are ridden out.
 */
import { createHash } from "node:crypto";
import path from "node:path";
import zlib from "node:zlib";
import {
  AbortMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListPartsCommand,
  S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import {
  abortUpload,
  FileChangedError,
  openTape,
  TargetError,
  uploadStatus,
  uploadTape,
  type CreationProof,
  type RetryPolicy,
  type UploadContext,
  type UploadOptions,
} from "@tartape/core";
import { compositeCrc32, multipartEtag, s3Target, type S3Target, type S3TargetOptions } from "@tartape/s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, s3ClientConfig, startFaultProxy, startMinio, type FaultProxy, type MinioServer } from "../src/index.js";
import { createBucketWhenReady } from "../src/s3-bucket.js";
import { awkwardTree } from "../src/scenarios/support/trees.js";
import { expectTypedError } from "../src/scenarios/support/typed-error.js";
import { expectSameAsTape, tapeBytes, tapeFacts } from "../src/scenarios/support/digest.js";
import { Scratch } from "../src/scenarios/support/scratch.js";
import { runCli } from "../src/scenarios/support/cli-process.js";
import { FreshKeys } from "../src/scenarios/support/keys.js";
import { bodyFailingHalfway, bodyOf } from "../src/scenarios/support/part-body.js";
import { interruptUpload, partsOf, uploadKeepingEvents } from "../src/scenarios/support/upload-run.js";

const MiB = 1024 * 1024;
const PART = 5 * MiB;
const BUCKET = "tartape-s3-test";
/** Rides out injected faults without the default's multi-second backoff. */
const FAST_RETRY: RetryPolicy = { retries: 8, minDelayMs: 20, maxDelayMs: 250 };

let minio: MinioServer;
let proxy: FaultProxy;
let admin: S3Client;
const scratch = new Scratch();
const keys = new FreshKeys();

beforeAll(async () => {
  minio = await startMinio();
  proxy = await startFaultProxy(minio.endpoint);
  admin = new S3Client(s3ClientConfig(minio));
  await createBucketWhenReady(admin, BUCKET);
  scratch.open("s3");
});

afterAll(async () => {
  admin?.destroy();
  await proxy?.stop();
  await minio?.stop();
  scratch.close();
});

function freshKey(label: string): string {
  return keys.next(label);
}

function target(key: string, options: Partial<S3TargetOptions> = {}) {
  return s3Target({
    bucket: BUCKET,
    key,
    endpoint: minio.endpoint,
    region: minio.region,
    credentials: { accessKeyId: minio.accessKey, secretAccessKey: minio.secretKey },
    partSize: PART,
    ...options,
  });
}

/** A tree whose tape is exactly `totalSize` bytes, with files of awkward sizes (see awkwardTree). */
function treeOfTapeSize(totalSize: number): string {
  const dir = scratch.dir("tree");
  awkwardTree(dir, totalSize, { "a.bin": MiB + 17, "b.bin": 3 * MiB + 1000, "c.txt": 700 });
  return dir;
}

async function objectBytes(key: string): Promise<Buffer> {
  const out = await admin.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return Buffer.from(await out.Body!.transformToByteArray());
}

/** The object at `key` is the recorded tape of `dir`, byte for byte (length and SHA-256, so the failure says which). */
async function expectObjectIsTape(key: string, dir: string): Promise<void> {
  const tape = await tapeFacts(dir);
  expectSameAsTape(await objectBytes(key), tape);
}

/** The ETag S3 must give the tape cut in parts of `partSize`: computed here from the tape, independently of the target. */
function expectedEtag(tape: Buffer, partSize: number): string {
  const md5s: string[] = [];
  for (let start = 0; start < tape.length; start += partSize) md5s.push(createHash("md5").update(tape.subarray(start, start + partSize)).digest("hex"));
  return multipartEtag(md5s);
}

async function pendingUploads(key: string): Promise<string[]> {
  const out = await admin.send(new ListMultipartUploadsCommand({ Bucket: BUCKET, Prefix: key }));
  return (out.Uploads ?? []).filter((u) => u.Key === key).map((u) => u.UploadId!);
}

/** Runs uploadTape, keeping its events. */
function upload(dir: string, key: string, options: UploadOptions & { targetOptions?: Partial<S3TargetOptions> } = {}) {
  const { targetOptions, ...uploadOptions } = options;
  return uploadKeepingEvents(dir, target(key, targetOptions), { retry: FAST_RETRY, ...uploadOptions });
}

/**
 * Uploads two parts at a time until `partsDone` parts are acknowledged, then
 * aborts through the signal: the abort lands on requests under way and on
 * parts still queued.
 */
function interruptedUpload(dir: string, key: string, partsDone: number) {
  return interruptUpload((options) => upload(dir, key, options), partsDone, 2);
}

describe("round trip: the object is the tape, byte for byte", () => {
  it.each([
    { title: "1 part", size: PART - 3 * 512, parts: 1 },
    { title: "exactly 3 parts", size: 3 * PART, parts: 3 },
    { title: "3 parts + a small last part", size: 3 * PART + 1024, parts: 4 },
  ])("$title", async ({ size, parts }) => {
    const dir = treeOfTapeSize(size);
    const key = freshKey("round-trip");
    const { run } = upload(dir, key, { concurrency: 3 });
    const result = await run;
    expect(result.totalSize).toBe(size);
    expect(result.status).toBe("completed");
    expect(result.partCount).toBe(parts);
    expect(result.partsUploaded).toBe(parts);

    await expectObjectIsTape(key, dir);
    const tape = await tapeBytes(dir);
    // The ETag the server computed is the one the tape's own parts make.
    expect(result.object.etag).toBe(expectedEtag(tape, PART));
    const head = await admin.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
    expect(head.ETag).toBe(`"${expectedEtag(tape, PART)}"`);
    expect(head.Metadata?.["tartape-fingerprint"]).toBe(result.fingerprint);
    expect(head.Metadata?.["tartape-size"]).toBe(String(size));
    expect(await pendingUploads(key)).toEqual([]);
  });
});

describe("resume", () => {
  it("after an abort mid-upload, sends only the parts the first run did not get acknowledged", async () => {
    const dir = treeOfTapeSize(8 * PART + 4096);
    const key = freshKey("resume");
    const first = await interruptedUpload(dir, key, 3);
    expect(first.done.size).toBeGreaterThanOrEqual(3);
    expect(first.done.size, "the abort interrupted nothing").toBeLessThan(9);
    // What the server holds is at least what the index recorded.
    const listed = await admin.send(new ListPartsCommand({ Bucket: BUCKET, Key: key, UploadId: first.uploadId }));
    const onServer = new Set((listed.Parts ?? []).map((p) => p.PartNumber));
    for (const n of first.done) expect(onServer.has(n)).toBe(true);

    const second = upload(dir, key, { concurrency: 2 });
    const result = await second.run;
    const missing = [1, 2, 3, 4, 5, 6, 7, 8, 9].filter((n) => !first.done.has(n));
    expect(partsOf(second.events, "part-start").sort((a, b) => a - b)).toEqual(missing);
    expect(second.events.find((e) => e.type === "upload-resumed")).toMatchObject({ uploadId: first.uploadId, partsOnServer: first.done.size });
    expect(result).toMatchObject({ status: "completed", uploadId: first.uploadId, partsSkipped: first.done.size, partsUploaded: missing.length });
    await expectObjectIsTape(key, dir);
  });

  it("when the upload was aborted behind its back, starts a new one and uploads every part", async () => {
    const dir = treeOfTapeSize(4 * PART);
    const key = freshKey("gone");
    const first = await interruptedUpload(dir, key, 1);
    await admin.send(new AbortMultipartUploadCommand({ Bucket: BUCKET, Key: key, UploadId: first.uploadId }));

    const second = upload(dir, key);
    const result = await second.run;
    const types = second.events.map((e) => e.type);
    expect(types.indexOf("upload-lost")).toBeGreaterThanOrEqual(0);
    expect(types.indexOf("upload-lost")).toBeLessThan(types.indexOf("upload-created"));
    expect(result.uploadId).not.toBe(first.uploadId);
    expect(result).toMatchObject({ status: "completed", partsSkipped: 0, partsUploaded: 4 });
    expect(partsOf(second.events, "part-start").sort()).toEqual([1, 2, 3, 4]);
    await expectObjectIsTape(key, dir);
    expect(await pendingUploads(key)).toEqual([]);
  });

  it("an upload already completed returns 'already-complete' at once, from the index or, without it, from the object's metadata", async () => {
    const dir = treeOfTapeSize(2 * PART);
    const key = freshKey("done");
    await upload(dir, key).run;

    const again = upload(dir, key);
    expect(await again.run).toMatchObject({ status: "already-complete", partsUploaded: 0, bytesUploaded: 0 });
    expect(partsOf(again.events, "part-start")).toEqual([]);

    // The index forgets the upload (e.g. a fresh checkout of the index): HeadObject's metadata still knows the tape.
    const tape = openTape(dir);
    tape.index.deleteUpload(again.target.id);
    tape.close();
    const fromMetadata = upload(dir, key);
    const result = await fromMetadata.run;
    expect(result).toMatchObject({ status: "already-complete", partsUploaded: 0 });
    expect(result.object.etag).toBe(expectedEtag(await tapeBytes(dir), PART));
    expect(partsOf(fromMetadata.events, "part-start")).toEqual([]);
    expect(fromMetadata.events.some((e) => e.type === "upload-created")).toBe(false);
  });

  it("a different object at the key is not taken for the tape: the upload replaces it", async () => {
    const dir = treeOfTapeSize(PART);
    const key = freshKey("occupied");
    const other = treeOfTapeSize(PART);
    await upload(other, key).run;

    const result = await upload(dir, key).run;
    expect(result.status).toBe("completed");
    await expectObjectIsTape(key, dir);
  });
});

describe("abortUpload", () => {
  it("discards the parts on the server and forgets the upload; a second call has nothing to abort", async () => {
    const dir = treeOfTapeSize(4 * PART);
    const key = freshKey("abort");
    const first = await interruptedUpload(dir, key, 1);
    expect(await pendingUploads(key)).toEqual([first.uploadId]);

    const t = target(key);
    expect(await abortUpload(dir, t)).toEqual({ aborted: true, uploadId: first.uploadId });
    expect(await pendingUploads(key)).toEqual([]);
    expect(uploadStatus(dir).filter((s) => s.targetId === t.id)).toEqual([]);
    expect(await abortUpload(dir, t)).toEqual({ aborted: false });
  });

  it("is idempotent on the target: aborting an upload that no longer exists succeeds", async () => {
    const key = freshKey("abort-twice");
    const t = target(key);
    const ctx = { fingerprint: "f".repeat(64), totalSize: 1, partSize: PART, partCount: 1, tapeName: "x_ffffffff", signal: new AbortController().signal };
    const uploadId = await t.createUpload(ctx);
    await t.abort(uploadId, ctx);
    await expect(t.abort(uploadId, ctx)).resolves.toBeUndefined();
    expect(await t.listParts(uploadId, ctx)).toBeNull();
  });
});

describe("an upload the server created but the index never recorded", () => {
  /**
   * The S3 target, except that its first createUpload fails after MinIO created
   * the upload and before the id reaches the driver; `created` collects those ids.
   */
  function failingAfterCreate(t: S3Target, created: string[], failure: () => Error): S3Target {
    let failed = false;
    const wrapper = Object.create(t) as S3Target;
    wrapper.createUpload = async (ctx: UploadContext, proof?: CreationProof) => {
      const uploadId = await t.createUpload(ctx, proof);
      if (failed) return uploadId;
      failed = true;
      created.push(uploadId);
      throw failure();
    };
    return wrapper;
  }

  it("a run killed right after CreateMultipartUpload leaves an upload nobody knows; the next run aborts it and completes the object", async () => {
    const dir = treeOfTapeSize(2 * PART);
    const key = freshKey("orphan");
    // Another key under the same prefix, with an upload begun in the same minute: not ours to abort.
    const neighbour = `${key}.other`;
    const theirs = (await admin.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: neighbour }))).UploadId!;
    const orphans: string[] = [];
    const killed = failingAfterCreate(target(key), orphans, () => new Error("killed right after CreateMultipartUpload"));
    await expect(uploadTape(dir, killed, { retry: FAST_RETRY })).rejects.toThrow("killed");
    expect(orphans).toHaveLength(1);
    expect(await pendingUploads(key)).toEqual(orphans);

    const result = await upload(dir, key).run;
    expect(result).toMatchObject({ status: "completed", unrecorded: { discarded: orphans } });
    expect(result.uploadId).not.toBe(orphans[0]);
    expect(await pendingUploads(key)).toEqual([]);
    await expectObjectIsTape(key, dir);
    expect(await pendingUploads(neighbour)).toEqual([theirs]);
    await admin.send(new AbortMultipartUploadCommand({ Bucket: BUCKET, Key: neighbour, UploadId: theirs }));
  });

  it("another writer's upload of the same key, begun in the clean-up window, survives the clean-up; ours is aborted", async () => {
    const dir = treeOfTapeSize(2 * PART);
    const key = freshKey("second-writer");
    const orphans: string[] = [];
    const killed = failingAfterCreate(target(key), orphans, () => new Error("killed right after CreateMultipartUpload"));
    await expect(uploadTape(dir, killed, { retry: FAST_RETRY })).rejects.toThrow("killed");
    // A second writer (another machine, another index) starts a multipart upload of the same key, with a part, moments later.
    const theirs = (await admin.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: key }))).UploadId!;
    await admin.send(new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId: theirs, PartNumber: 1, Body: Buffer.alloc(1024, 7) }));
    expect((await pendingUploads(key)).sort()).toEqual([...orphans, theirs].sort());

    const result = await upload(dir, key).run;
    expect(result).toMatchObject({ status: "completed", unrecorded: { discarded: orphans } });
    await expectObjectIsTape(key, dir);
    expect(await pendingUploads(key), "the second writer's upload is still there").toEqual([theirs]);
    const parts = await admin.send(new ListPartsCommand({ Bucket: BUCKET, Key: key, UploadId: theirs }));
    expect(parts.Parts?.map((p) => p.PartNumber)).toEqual([1]);
    await admin.send(new AbortMultipartUploadCommand({ Bucket: BUCKET, Key: key, UploadId: theirs }));
  });

  it("a CreateMultipartUpload whose answer was lost is sent again, and the upload the first one made is aborted at once", async () => {
    const dir = treeOfTapeSize(PART);
    const key = freshKey("lost-create");
    const orphans: string[] = [];
    const lossy = failingAfterCreate(target(key), orphans, () => new TargetError("TARGET_ERROR", "connection reset before the answer", { retryable: true }));
    const result = await uploadTape(dir, lossy, { retry: FAST_RETRY });
    expect(orphans).toHaveLength(1);
    expect(result).toMatchObject({ status: "completed", unrecorded: { discarded: orphans } });
    expect(result.uploadId).not.toBe(orphans[0]);
    expect(await pendingUploads(key)).toEqual([]);
    await expectObjectIsTape(key, dir);
  });

  it("abortUpload aborts such an upload too", async () => {
    const dir = treeOfTapeSize(PART);
    const key = freshKey("orphan-abort");
    const orphans: string[] = [];
    const killed = failingAfterCreate(target(key), orphans, () => new Error("killed right after CreateMultipartUpload"));
    await expect(uploadTape(dir, killed, { retry: FAST_RETRY })).rejects.toThrow("killed");
    expect(await abortUpload(dir, target(key))).toEqual({ aborted: false, unrecorded: orphans });
    expect(await pendingUploads(key)).toEqual([]);
  });

  it("tartape abort aborts such an upload and says so", async () => {
    const dir = treeOfTapeSize(PART);
    const key = freshKey("orphan-cli-abort");
    const orphans: string[] = [];
    const killed = failingAfterCreate(target(key), orphans, () => new Error("killed right after CreateMultipartUpload"));
    await expect(uploadTape(dir, killed, { retry: FAST_RETRY })).rejects.toThrow("killed");
    const env = { AWS_ACCESS_KEY_ID: minio.accessKey, AWS_SECRET_ACCESS_KEY: minio.secretKey, AWS_REGION: minio.region };
    const before = await runCli(["status", dir], env);
    expect(before.code, before.stderr).toBe(0);
    expect(before.stdout).toContain(`s3://${BUCKET}/${key}?endpoint=`);
    expect(before.stdout).toContain("an upload was being created when a run was interrupted");
    const exit = await runCli(["abort", dir, `s3://${BUCKET}/${key}`, "--endpoint", minio.endpoint], env);
    expect(exit.code, exit.stderr).toBe(0);
    expect(exit.stdout).toContain(`Also aborted 1 upload(s) an interrupted run had started but never recorded: ${orphans[0]}.`);
    expect(await pendingUploads(key)).toEqual([]);
    expect((await runCli(["status", dir], env)).stdout).toBe(`No uploads are recorded for ${dir}.\n`);
  });
});

describe("bad input fails with a typed error that says what to do", () => {
  const GIVE_UP: RetryPolicy = { retries: 1, minDelayMs: 10, maxDelayMs: 20 };

  it("a bucket that does not exist → TARGET_NOT_FOUND", async () => {
    const dir = treeOfTapeSize(PART);
    const t = target("x.tar", { bucket: "no-such-bucket-here" });
    await expectTypedError(uploadTape(dir, t, { retry: GIVE_UP }), "TARGET_NOT_FOUND", `Bucket 'no-such-bucket-here' does not exist at ${minio.endpoint}: create it`);
  });

  it("a wrong secret key → TARGET_AUTH", async () => {
    const dir = treeOfTapeSize(PART);
    const t = target(freshKey("auth"), { credentials: { accessKeyId: minio.accessKey, secretAccessKey: "wrong-secret" } });
    await expectTypedError(uploadTape(dir, t, { retry: GIVE_UP }), "TARGET_AUTH", minio.endpoint, "SignatureDoesNotMatch", "secret access key is wrong");
  });

  it("an unknown access key → TARGET_AUTH", async () => {
    const dir = treeOfTapeSize(PART);
    const t = target(freshKey("auth"), { credentials: { accessKeyId: "nobody", secretAccessKey: "nothing" } });
    await expectTypedError(uploadTape(dir, t, { retry: GIVE_UP }), "TARGET_AUTH", minio.endpoint, "InvalidAccessKeyId", "AWS_ACCESS_KEY_ID");
  });

  it("an endpoint where nothing listens → TARGET_UNREACHABLE, after the driver's retries", async () => {
    const dir = treeOfTapeSize(PART);
    const closed = `http://127.0.0.1:${await freePort()}`;
    const t = target(freshKey("down"), { endpoint: closed });
    const started = Date.now();
    await expectTypedError(uploadTape(dir, t, { retry: { retries: 1, minDelayMs: 10 } }), "TARGET_UNREACHABLE", `Cannot reach ${closed} (ECONNREFUSED)`);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it("a part size below 5 MiB → PART_SIZE_INVALID before anything is sent", async () => {
    const dir = treeOfTapeSize(2 * PART);
    const key = freshKey("small");
    await expectTypedError(uploadTape(dir, target(key, { partSize: PART - 1 }), { retry: GIVE_UP }), "PART_SIZE_INVALID", "minimum of 5 MiB");
    expect(await pendingUploads(key)).toEqual([]);
  });

  it("parts below 5 MiB that the limits let through are refused by the server → PART_SIZE_INVALID", async () => {
    const dir = treeOfTapeSize(2 * PART);
    const key = freshKey("too-small");
    const t = target(key, { partSize: MiB, limits: { minPartSize: MiB } });
    await expectTypedError(uploadTape(dir, t, { retry: GIVE_UP }), "PART_SIZE_INVALID", "EntityTooSmall", "at least 5 MiB");
  });
});

describe("faults between tartape and the server", () => {
  it("rides out 503s and connection resets on part uploads and on completion; the object is the tape", async () => {
    const dir = treeOfTapeSize(6 * PART + 512);
    const key = freshKey("faults");
    proxy.resetStats();
    proxy.setFaults([
      { action: "status", status: 503, code: "SlowDown", method: "PUT", pathPattern: /partNumber=/, everyNth: 3 },
      { action: "reset", method: "PUT", pathPattern: /partNumber=/, everyNth: 4 },
      // The first CompleteMultipartUpload is answered 503 (the upload id is in the query).
      { action: "status", status: 503, method: "POST", pathPattern: /uploadId=/, limit: 1 },
    ]);
    try {
      const { run, events } = upload(dir, key, { concurrency: 3, targetOptions: { endpoint: proxy.endpoint } });
      const result = await run;
      expect(result.status).toBe("completed");
      expect(proxy.stats.faults.status).toBeGreaterThanOrEqual(3);
      expect(proxy.stats.faults.reset).toBeGreaterThanOrEqual(1);
      expect(events.filter((e) => e.type === "part-retry").length).toBeGreaterThanOrEqual(3);
    } finally {
      proxy.clearFaults();
    }
    await expectObjectIsTape(key, dir);
    expect(await pendingUploads(key)).toEqual([]);
  });
});

describe("the target's own contract", () => {
  it("a Complete repeated after its response was lost finds the finished object instead of failing on NoSuchUpload", async () => {
    const key = freshKey("lost-complete");
    const t = target(key, { checksum: "md5" });
    const bytes = Buffer.alloc(1000, 1);
    const ctx = { fingerprint: "a".repeat(64), totalSize: bytes.length, partSize: PART, partCount: 1, tapeName: "x_aaaaaaaa", signal: new AbortController().signal };
    const uploadId = await t.createUpload(ctx);
    const receipt = await t.uploadPart(uploadId, { number: 1, start: 0, end: bytes.length, size: bytes.length }, bodyOf(bytes), ctx);
    expect(receipt).toEqual({ number: 1, size: 1000, etag: createHash("md5").update(bytes).digest("hex"), checksum: `md5:${createHash("md5").update(bytes).digest("base64")}` });
    const first = await t.complete(uploadId, [receipt], ctx);
    // The same call again, as the driver's retry would make it: the upload id is gone by now.
    await expect(t.complete(uploadId, [receipt], ctx)).resolves.toEqual(first);
    // Another tape's fingerprint does not match the object: that is a real failure.
    await expectTypedError(t.complete(uploadId, [receipt], { ...ctx, fingerprint: "b".repeat(64) }), "TARGET_ERROR", "no longer exists");
  });

  it("a part body that fails mid-stream fails the request at once with the body's error (no wait for bytes that never come)", async () => {
    const key = freshKey("failing-body");
    const t = target(key);
    const size = 8 * MiB;
    const ctx = { fingerprint: "d".repeat(64), totalSize: size, partSize: size, partCount: 1, tapeName: "x_dddddddd", signal: new AbortController().signal };
    const changed = new FileChangedError(path.join(scratch.dir("gone"), "big.bin"), "size", "grew while it was read");
    // Half the part, then the error a changed source file raises.
    const body = bodyFailingHalfway(size, changed);
    const uploadId = await t.createUpload(ctx);
    try {
      const started = Date.now();
      await expect(t.uploadPart(uploadId, { number: 1, start: 0, end: size, size }, body, ctx)).rejects.toBe(changed);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(await t.listParts(uploadId, ctx)).toEqual([]);
    } finally {
      await t.abort(uploadId, ctx);
    }
  });

  it("with CRC32 parts: the receipt holds the part's CRC32, the object's checksum is the composite of the parts', and a repeated Complete finds the object", async () => {
    const key = freshKey("crc32-contract");
    const t = target(key, { checksum: "crc32" });
    const parts = [Buffer.alloc(PART, 7), Buffer.alloc(1000, 9)];
    const totalSize = parts[0]!.length + parts[1]!.length;
    const ctx = { fingerprint: "c".repeat(64), totalSize, partSize: PART, partCount: 2, tapeName: "x_cccccccc", signal: new AbortController().signal };
    const crcOf = (b: Buffer) => {
      const raw = Buffer.alloc(4);
      raw.writeUInt32BE(zlib.crc32(b));
      return raw.toString("base64");
    };
    const uploadId = await t.createUpload(ctx);
    const receipts = [];
    let start = 0;
    for (const [i, bytes] of parts.entries()) {
      const receipt = await t.uploadPart(uploadId, { number: i + 1, start, end: start + bytes.length, size: bytes.length }, bodyOf(bytes), ctx);
      expect(receipt.checksum).toBe(`crc32:${crcOf(bytes)}`);
      receipts.push(receipt);
      start += bytes.length;
    }
    const first = await t.complete(uploadId, receipts, ctx);
    const head = await admin.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key, ChecksumMode: "ENABLED" }));
    expect(head.ChecksumCRC32).toBe(compositeCrc32(parts.map(crcOf)));
    expect(head.ContentLength).toBe(totalSize);
    await expect(t.complete(uploadId, receipts, ctx)).resolves.toEqual(first);
  });

  it("a server that refuses CRC32 trailers (NotImplemented) fails the part with a message naming --checksum md5, not retried", async () => {
    const key = freshKey("no-trailers");
    const t = target(key, { endpoint: proxy.endpoint });
    expect(t.checksum).toBe("crc32");
    const bytes = Buffer.alloc(1000, 3);
    const ctx = { fingerprint: "d".repeat(64), totalSize: bytes.length, partSize: PART, partCount: 1, tapeName: "x_dddddddd", signal: new AbortController().signal };
    const uploadId = await t.createUpload(ctx);
    proxy.setFaults([{ action: "status", status: 501, code: "NotImplemented", message: "A header you provided implies functionality that is not implemented", method: "PUT", pathPattern: /partNumber=1/ }]);
    try {
      const failure = await t.uploadPart(uploadId, { number: 1, start: 0, end: bytes.length, size: bytes.length }, bodyOf(bytes), ctx).catch((err: unknown) => err);
      expect(failure).toBeInstanceOf(TargetError);
      expect((failure as TargetError).retryable).toBe(false);
      expect((failure as TargetError).message).toMatch(/does not take aws-chunked checksum trailers.*checksum: "md5"/);
    } finally {
      proxy.clearFaults();
      await t.abort(uploadId, ctx);
    }
  });

  // The SDK hashes a trailer's body in a promise nobody awaits once the request is aborted: if that
  // stream errored, the rejection would be unhandled, and vitest fails the run on unhandled errors.
  it("with CRC32 parts, a part body that fails mid-stream fails the request with the body's error, and nothing is left to reject unhandled", async () => {
    const key = freshKey("crc32-failing-body");
    const t = target(key, { checksum: "crc32" });
    const size = 8 * MiB;
    const ctx = { fingerprint: "e".repeat(64), totalSize: size, partSize: size, partCount: 1, tapeName: "x_eeeeeeee", signal: new AbortController().signal };
    const changed = new FileChangedError(path.join(scratch.dir("gone-crc"), "big.bin"), "size", "grew while it was read");
    const uploadId = await t.createUpload(ctx);
    try {
      await expect(t.uploadPart(uploadId, { number: 1, start: 0, end: size, size }, bodyFailingHalfway(size, changed), ctx)).rejects.toBe(changed);
      expect(await t.listParts(uploadId, ctx)).toEqual([]);
    } finally {
      await t.abort(uploadId, ctx);
    }
  });

  it("lists more than one page of parts (ListParts pages hold 1000 parts at most)", async () => {
    const key = freshKey("many-parts");
    const t = target(key);
    const tiny = Buffer.from("x");
    const ctx = { fingerprint: "c".repeat(64), totalSize: 1005, partSize: 1, partCount: 1005, tapeName: "x_cccccccc", signal: new AbortController().signal };
    const uploadId = await t.createUpload(ctx);
    try {
      const numbers = Array.from({ length: 1005 }, (_, i) => i + 1);
      // Eight at a time: 1005 tiny requests, kept off the 2 cores' critical path.
      for (let i = 0; i < numbers.length; i += 8) {
        await Promise.all(numbers.slice(i, i + 8).map((n) => t.uploadPart(uploadId, { number: n, start: n - 1, end: n, size: 1 }, bodyOf(tiny), ctx)));
      }
      const listed = await t.listParts(uploadId, ctx);
      expect(listed?.map((p) => p.number)).toEqual(numbers);
      expect(listed?.every((p) => p.size === 1 && p.etag === createHash("md5").update(tiny).digest("hex"))).toBe(true);
    } finally {
      await t.abort(uploadId, ctx);
    }
  });
});

describe("options that make another upload are never switched silently", () => {
  const cliEnv = () => ({ AWS_ACCESS_KEY_ID: minio.accessKey, AWS_SECRET_ACCESS_KEY: minio.secretKey, AWS_REGION: minio.region });

  it("another --checksum on resume is refused naming the one that continues; restart aborts the old upload first; none is left pending", async () => {
    const dir = treeOfTapeSize(4 * PART);
    const key = freshKey("checksum-switch");
    const md5 = { targetOptions: { checksum: "md5" as const } };
    const first = await interruptUpload((options) => upload(dir, key, { ...options, ...md5 }), 1, 2);
    expect(await pendingUploads(key)).toEqual([first.uploadId]);

    await expectTypedError(upload(dir, key).run, "UPLOAD_OPTIONS_CHANGED", 'checksum: "md5"', "restart: true");
    expect(await pendingUploads(key), "refused before creating anything").toEqual([first.uploadId]);

    // abort with the other checksum names the one that reaches the upload.
    const md5Id = target(key, { checksum: "md5" }).id;
    expect(await abortUpload(dir, target(key))).toEqual({ aborted: false, otherOptions: [{ targetId: md5Id, uploadId: first.uploadId, options: { checksum: "md5" } }] });
    const url = `s3://${BUCKET}/${key}`;
    const abort = await runCli(["abort", dir, url, "--endpoint", minio.endpoint], cliEnv());
    expect(abort.code, abort.stderr).toBe(0);
    expect(abort.stdout).toContain(`upload ${first.uploadId} to ${md5Id}, made with --checksum md5: run this abort again with --checksum md5`);
    const status = await runCli(["status", dir], cliEnv());
    expect(status.stdout).toContain("options      --part-size 5MiB --checksum md5");

    // The CLI says it in its own words.
    const cli = await runCli(["upload", dir, url, "--endpoint", minio.endpoint], cliEnv());
    expect(cli.code).toBe(2);
    expect(cli.stderr).toContain("with --checksum md5; this run asks for --checksum crc32");
    expect(cli.stderr).toContain("Run again with --checksum md5 to continue it, or with --restart to abort it");
    expect(cli.stderr).not.toContain("restart: true");
    expect(await pendingUploads(key)).toEqual([first.uploadId]);

    const restarted = upload(dir, key, { restart: true });
    const result = await restarted.run;
    expect(restarted.events.find((e) => e.type === "upload-replaced")).toMatchObject({ targetId: md5Id, uploadId: first.uploadId, options: { checksum: "md5" } });
    expect(result).toMatchObject({ status: "completed", partsSkipped: 0, partsUploaded: 4 });
    await expectObjectIsTape(key, dir);
    expect(await pendingUploads(key), "the md5 upload was aborted").toEqual([]);
    expect(uploadStatus(dir).map((s) => [s.targetId, s.status, s.options])).toEqual([[target(key).id, "completed", { checksum: "crc32" }]]);
  });

  it("another --part-size on resume is refused naming the size that continues; restart aborts the old upload first", async () => {
    const dir = treeOfTapeSize(4 * PART);
    const key = freshKey("part-size-switch");
    const first = await interruptedUpload(dir, key, 1);

    await expectTypedError(upload(dir, key, { targetOptions: { partSize: 6 * MiB } }).run, "UPLOAD_OPTIONS_CHANGED", "partSize: 5242880 (5 MiB)");
    const url = `s3://${BUCKET}/${key}`;
    const cli = await runCli(["upload", dir, url, "--endpoint", minio.endpoint, "--part-size", "6MiB"], cliEnv());
    expect(cli.code).toBe(2);
    expect(cli.stderr).toContain("Run again with --part-size 5MiB to continue it, or with --restart to abort it and start over with --part-size 6MiB.");
    expect(await pendingUploads(key)).toEqual([first.uploadId]);

    const result = await upload(dir, key, { restart: true, targetOptions: { partSize: 6 * MiB } }).run;
    expect(result).toMatchObject({ status: "completed", partSize: 6 * MiB, partsSkipped: 0 });
    await expectObjectIsTape(key, dir);
    expect(await pendingUploads(key)).toEqual([]);
  });
});
