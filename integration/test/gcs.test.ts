/**
 * The GCS target against a real fake-gcs-server: the object is the tape byte
 * for byte at the part counts where off-by-one errors live and across a
 * two-level compose tree, no temporary object outlives an upload, interrupted
 * uploads resume with only the missing parts, a finished object is recognised,
 * bad input fails with typed errors that say what to do, and injected 503s and
 * connection resets are ridden out.
 */
import { createHash } from "node:crypto";
import path from "node:path";
import { Readable } from "node:stream";
import { Storage, type Bucket } from "@google-cloud/storage";
import {
  abortUpload,
  FileChangedError,
  openTape,
  record,
  uploadStatus,
  uploadTape,
  TargetError,
  type PartBody,
  type PartReceipt,
  type PartSpec,
  type RetryPolicy,
  type Target,
  type UploadContext,
  type UploadEvent,
  type UploadOptions,
} from "@tartape/core";
import {
  crc32c,
  crc32cToBase64,
  CRC32C_METADATA,
  FINGERPRINT_METADATA,
  gcsTarget,
  parseGcsUrl,
  temporaryRoot,
  uploadPrefix,
  type GcsTargetOptions,
} from "@tartape/gcs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, gcsClientOptions, startFakeGcs, startFaultProxy, type FakeGcsServer, type FaultProxy } from "../src/index.js";
import { expectSameAsTape, tapeBytes, tapeFacts } from "../src/scenarios/support/digest.js";
import { FreshKeys } from "../src/scenarios/support/keys.js";
import { bodyFailingHalfway, bodyOf } from "../src/scenarios/support/part-body.js";
import { Scratch } from "../src/scenarios/support/scratch.js";
import { awkwardTree } from "../src/scenarios/support/trees.js";
import { expectTypedError } from "../src/scenarios/support/typed-error.js";
import { interruptUpload, partsOf, uploadKeepingEvents } from "../src/scenarios/support/upload-run.js";

const KiB = 1024;
/** The smallest part the target allows: 40 parts make a 10 MiB tape. */
const PART = 256 * KiB;
const BUCKET = "tartape-gcs-test";
/** Rides out injected faults without the default's multi-second backoff. */
const FAST_RETRY: RetryPolicy = { retries: 8, minDelayMs: 20, maxDelayMs: 250 };
const GIVE_UP: RetryPolicy = { retries: 1, minDelayMs: 10, maxDelayMs: 20 };

let gcs: FakeGcsServer;
let proxy: FaultProxy;
let bucket: Bucket;
const scratch = new Scratch();
const keys = new FreshKeys();

beforeAll(async () => {
  gcs = await startFakeGcs();
  proxy = await startFaultProxy(gcs.endpoint);
  bucket = new Storage({ ...gcsClientOptions(gcs.endpoint), retryOptions: { autoRetry: false } }).bucket(BUCKET);
  await bucket.create();
  scratch.open("gcs");
});

afterAll(async () => {
  await proxy?.stop();
  await gcs?.stop();
  scratch.close();
});

function freshKey(label: string): string {
  return keys.next(label);
}

function target(key: string, options: Partial<GcsTargetOptions> = {}) {
  return gcsTarget({ bucket: BUCKET, key, apiEndpoint: gcs.endpoint, partSize: PART, ...options });
}

/** A tree whose tape is exactly `totalSize` bytes, with files of awkward sizes (see awkwardTree). */
function treeOfTapeSize(totalSize: number): string {
  const dir = scratch.dir("tree");
  awkwardTree(dir, totalSize, { "a.bin": PART / 2 + 17, "c.txt": 700 });
  return dir;
}

async function objectBytes(key: string): Promise<Buffer> {
  const [bytes] = await bucket.file(key).download();
  return bytes;
}

/** The object at `key` is the recorded tape of `dir`, byte for byte (length and SHA-256, so the failure says which). */
async function expectObjectIsTape(key: string, dir: string): Promise<void> {
  const tape = await tapeFacts(dir);
  expectSameAsTape(await objectBytes(key), tape);
}

async function objectExists(key: string): Promise<boolean> {
  const [exists] = await bucket.file(key).exists();
  return exists;
}

/** Every temporary object of any tape uploaded to `key`. */
async function temporaries(key: string): Promise<string[]> {
  const [files] = await bucket.getFiles({ prefix: temporaryRoot(key) });
  return files.map((f) => f.name).sort();
}

/** Runs uploadTape, keeping its events. */
function upload(dir: string, key: string, options: UploadOptions & { targetOptions?: Partial<GcsTargetOptions> } = {}) {
  const { targetOptions, ...uploadOptions } = options;
  return uploadKeepingEvents(dir, target(key, targetOptions), { retry: FAST_RETRY, ...uploadOptions });
}

/**
 * Uploads until `partsDone` parts are acknowledged, then aborts through the signal.
 * Every part is in flight from the start (concurrency = part count), so the abort
 * stops requests under way rather than parts still queued in the driver.
 */
function interruptedUpload(dir: string, key: string, partsDone: number, partCount: number) {
  return interruptUpload((options) => upload(dir, key, options), partsDone, partCount);
}

/**
 * A first run that ends with exactly `keep` acknowledged: every other part fails at once, before a
 * byte is sent (as a run cut short would leave it, minus the in-flight requests an abort races with).
 */
async function partialUpload(dir: string, key: string, keep: readonly number[], partCount: number) {
  const inner = target(key);
  const stopping: Target = Object.assign(Object.create(inner) as Target, {
    uploadPart: (uploadId: string, part: PartSpec, body: PartBody, ctx: UploadContext) =>
      keep.includes(part.number) ? inner.uploadPart(uploadId, part, body, ctx) : Promise.reject(new TargetError("TARGET_ERROR", `the test stops part ${part.number}`)),
  });
  const events: UploadEvent[] = [];
  await expectTypedError(uploadTape(dir, stopping, { concurrency: partCount, retry: GIVE_UP, onEvent: (e) => events.push(e) }), "TARGET_ERROR", "the test stops part");
  const created = events.find((e) => e.type === "upload-created");
  if (created?.type !== "upload-created") throw new Error("the partial upload never started");
  expect(partsOf(events, "part-done")).toEqual([...keep].sort((a, b) => a - b));
  return { uploadId: created.uploadId };
}

function contextOf(fingerprint: string, totalSize: number, partSize: number, signal = new AbortController().signal): UploadContext {
  return { fingerprint, totalSize, partSize, partCount: Math.max(1, Math.ceil(totalSize / partSize)), tapeName: `x_${fingerprint.slice(0, 8)}`, signal };
}

function specOf(number: number, partSize: number, bytes: Buffer) {
  const start = (number - 1) * partSize;
  return { number, start, end: start + bytes.length, size: bytes.length };
}

describe("round trip: the object is the tape, byte for byte, and nothing temporary is left", () => {
  it.each([
    { title: "1 part", size: PART - 3 * 512, parts: 1 },
    { title: "exactly 3 parts", size: 3 * PART, parts: 3 },
    { title: "3 parts + a small last part", size: 3 * PART + 1024, parts: 4 },
    { title: "32 parts: one compose of 32", size: 32 * PART, parts: 32 },
    { title: "40 parts: a two-level compose tree (32 + 8, then 2)", size: 40 * PART, parts: 40 },
  ])("$title", async ({ size, parts }) => {
    const dir = treeOfTapeSize(size);
    const key = freshKey("round-trip");
    const { run } = upload(dir, key, { concurrency: 4 });
    const result = await run;
    expect(result).toMatchObject({ status: "completed", totalSize: size, partCount: parts, partsUploaded: parts });

    await expectObjectIsTape(key, dir);
    const tape = await tapeBytes(dir);
    const [metadata] = await bucket.file(key).getMetadata();
    // The CRC32C the service computed for the composed object is the tape's, computed here independently.
    expect(metadata.crc32c).toBe(crc32cToBase64(crc32c(tape)));
    expect(metadata.metadata?.[FINGERPRINT_METADATA]).toBe(result.fingerprint);
    expect(metadata.metadata?.[CRC32C_METADATA]).toBe(crc32cToBase64(crc32c(tape)));
    expect(metadata.contentType).toBe("application/x-tar");
    expect(result.object).toEqual({ size, etag: String(metadata.generation), location: `gs://${BUCKET}/${key}` });
    expect(await temporaries(key)).toEqual([]);
  });

  it("the id names the bucket, the key and the emulator's host", () => {
    expect(target("a/b.tar").id).toBe(`gs://${BUCKET}/a/b.tar?endpoint=${new URL(gcs.endpoint).host}`);
  });
});

describe("resume", () => {
  it("after an abort mid-upload, sends only the parts the first run did not get acknowledged", async () => {
    const dir = treeOfTapeSize(8 * PART + 4096);
    const key = freshKey("resume");
    const first = await interruptedUpload(dir, key, 3, 9);
    expect(first.done.size).toBeGreaterThanOrEqual(3);
    expect(first.done.size, "the abort interrupted nothing").toBeLessThan(9);
    expect(await objectExists(key), "an aborted upload must not complete").toBe(false);
    // What the server holds is at least what the index recorded.
    const onServer = await temporaries(key);
    for (const n of first.done) expect(onServer).toContain(`${first.uploadId}part-${String(n).padStart(6, "0")}`);

    const second = upload(dir, key, { concurrency: 2 });
    const result = await second.run;
    const missing = [1, 2, 3, 4, 5, 6, 7, 8, 9].filter((n) => !first.done.has(n));
    expect(partsOf(second.events, "part-start")).toEqual(missing);
    expect(second.events.find((e) => e.type === "upload-resumed")).toMatchObject({ uploadId: first.uploadId, partsOnServer: first.done.size });
    expect(result).toMatchObject({ status: "completed", uploadId: first.uploadId, partsSkipped: first.done.size, partsUploaded: missing.length });
    await expectObjectIsTape(key, dir);
    expect(await temporaries(key)).toEqual([]);
  });

  it("when every temporary object was deleted behind its back, starts over and uploads every part", async () => {
    const dir = treeOfTapeSize(4 * PART);
    const key = freshKey("gone");
    const first = await partialUpload(dir, key, [1, 3], 4);
    await bucket.deleteFiles({ prefix: temporaryRoot(key) });

    const second = upload(dir, key);
    const result = await second.run;
    const types = second.events.map((e) => e.type);
    expect(types.indexOf("upload-lost")).toBeGreaterThanOrEqual(0);
    expect(types.indexOf("upload-lost")).toBeLessThan(types.indexOf("upload-created"));
    // The names derive from the tape, so the new upload lives under the same prefix.
    expect(result).toMatchObject({ status: "completed", uploadId: first.uploadId, partsSkipped: 0, partsUploaded: 4 });
    expect(partsOf(second.events, "part-start")).toEqual([1, 2, 3, 4]);
    await expectObjectIsTape(key, dir);
    expect(await temporaries(key)).toEqual([]);
  });

  it("a part rewritten behind its back is sent again on the rerun (its generation changed), and the object is still the tape", async () => {
    const dir = treeOfTapeSize(3 * PART);
    const key = freshKey("rewritten");
    const first = await partialUpload(dir, key, [1, 2], 3);
    await bucket.file(`${first.uploadId}part-000001`).save(Buffer.alloc(PART, 1), { resumable: false });

    const second = upload(dir, key);
    const result = await second.run;
    expect(partsOf(second.events, "part-start").filter((n, i, all) => all.indexOf(n) === i)).toEqual([1, 3]);
    expect(second.events.some((e) => e.type === "part-retry" && e.part.number === 1), "the stale part 1 was replaced, then sent").toBe(true);
    expect(result).toMatchObject({ status: "completed", partsSkipped: 1, partsUploaded: 2 });
    await expectObjectIsTape(key, dir);
    expect(await temporaries(key)).toEqual([]);
  });

  it("an upload already composed returns 'already-complete' at once, from the index or, without it, from the object's metadata", async () => {
    const dir = treeOfTapeSize(2 * PART);
    const key = freshKey("done");
    await upload(dir, key).run;

    const again = upload(dir, key);
    expect(await again.run).toMatchObject({ status: "already-complete", partsUploaded: 0, bytesUploaded: 0 });
    expect(partsOf(again.events, "part-start")).toEqual([]);

    // The index forgets the upload: the object's metadata (fingerprint, size, CRC32C) still knows the tape.
    const tape = openTape(dir);
    tape.index.deleteUpload(again.target.id);
    tape.close();
    const fromMetadata = upload(dir, key);
    const result = await fromMetadata.run;
    expect(result).toMatchObject({ status: "already-complete", partsUploaded: 0 });
    const [metadata] = await bucket.file(key).getMetadata();
    expect(result.object.etag).toBe(String(metadata.generation));
    expect(fromMetadata.events.some((e) => e.type === "upload-created" || e.type === "part-start")).toBe(false);
  });

  it("a crash after composing but before the index knew: the rerun finds the object and deletes the leftover temporaries", async () => {
    const dir = treeOfTapeSize(3 * PART);
    const key = freshKey("crash-after-compose");
    await record(dir);
    const tape = openTape(dir);
    const { fingerprint, totalSize } = tape;
    tape.close();
    // Played by hand: parts uploaded, the object composed, but the cleanup and the index never happened.
    const t = target(key);
    const ctx = contextOf(fingerprint, totalSize, PART);
    const bytes = await tapeBytes(dir);
    const uploadId = await t.createUpload(ctx);
    const receipts: PartReceipt[] = [];
    for (let n = 1; n <= 3; n++) receipts.push(await t.uploadPart(uploadId, specOf(n, PART, bytes.subarray((n - 1) * PART, n * PART)), bodyOf(bytes.subarray((n - 1) * PART, n * PART)), ctx));
    await bucket.combine(receipts.map((r) => `${uploadId}part-${String(r.number).padStart(6, "0")}`), bucket.file(key));
    await bucket.file(key).setMetadata({ metadata: { [FINGERPRINT_METADATA]: fingerprint, [CRC32C_METADATA]: crc32cToBase64(crc32c(bytes)) } });
    expect((await temporaries(key)).length).toBe(3);

    const rerun = upload(dir, key);
    expect(await rerun.run).toMatchObject({ status: "already-complete", partsUploaded: 0 });
    expect(await temporaries(key)).toEqual([]);
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
  it("deletes the temporary objects and forgets the upload; a second call has nothing to abort", async () => {
    const dir = treeOfTapeSize(4 * PART);
    const key = freshKey("abort");
    const first = await partialUpload(dir, key, [2], 4);
    expect(await temporaries(key)).toEqual([`${first.uploadId}part-000002`]);

    const t = target(key);
    expect(await abortUpload(dir, t)).toEqual({ aborted: true, uploadId: first.uploadId });
    expect(await temporaries(key)).toEqual([]);
    expect(uploadStatus(dir).filter((s) => s.targetId === t.id)).toEqual([]);
    expect(await abortUpload(dir, t)).toEqual({ aborted: false });
  });

  it("is idempotent on the target, and a listing after it says the upload is gone", async () => {
    const key = freshKey("abort-twice");
    const t = target(key);
    const ctx = contextOf("f".repeat(64), 10, PART);
    const uploadId = await t.createUpload(ctx);
    expect(uploadId).toBe(uploadPrefix(key, ctx.fingerprint));
    const receipt = await t.uploadPart(uploadId, specOf(1, PART, Buffer.alloc(10)), bodyOf(Buffer.alloc(10)), ctx);
    await t.abort(uploadId, ctx);
    await expect(t.abort(uploadId, ctx)).resolves.toBeUndefined();
    expect(await t.listParts(uploadId, ctx, [receipt])).toBeNull();
    expect(await t.listParts(uploadId, ctx, [])).toEqual([]);
  });

  it("refuses an upload id that is not this key's tape prefix (it would delete whatever lies under it)", async () => {
    const t = target(freshKey("bad-id"));
    const ctx = contextOf("e".repeat(64), 10, PART);
    await expectTypedError(t.abort("", ctx), "TARGET_ERROR", "is not an upload id");
    await expectTypedError(t.abort(`${temporaryRoot("other.tar")}eeeeeeeeeeeeeeee/`, ctx), "TARGET_ERROR", "is not an upload id");
  });
});

describe("bad input fails with a typed error that says what to do", () => {
  it("a bucket that does not exist → TARGET_NOT_FOUND", async () => {
    const dir = treeOfTapeSize(PART);
    const t = target("x.tar", { bucket: "no-such-bucket-here" });
    await expectTypedError(uploadTape(dir, t, { retry: GIVE_UP }), "TARGET_NOT_FOUND", `Bucket 'no-such-bucket-here' does not exist at ${gcs.endpoint}`, "create it");
  });

  it("an emulator that is down → TARGET_UNREACHABLE, after the driver's retries", async () => {
    const dir = treeOfTapeSize(PART);
    const closed = `http://127.0.0.1:${await freePort()}`;
    const t = target(freshKey("down"), { apiEndpoint: closed });
    const started = Date.now();
    await expectTypedError(uploadTape(dir, t, { retry: GIVE_UP }), "TARGET_UNREACHABLE", `Cannot reach ${closed} (ECONNREFUSED)`);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it("unparsable URLs, bucket names and endpoints → TARGET_URL_INVALID before any request", () => {
    for (const url of ["gs://[unclosed/key", "gs://bucket", "s3://bucket/key", "gs://UPPER/key"]) {
      expect(() => parseGcsUrl(url), url).toThrow(expect.objectContaining({ code: "TARGET_URL_INVALID" }));
    }
    expect(() => target("k.tar", { bucket: "no" })).toThrow(expect.objectContaining({ code: "TARGET_URL_INVALID" }));
    expect(() => target("k.tar", { apiEndpoint: "http://[::1" })).toThrow(expect.objectContaining({ code: "TARGET_URL_INVALID" }));
    expect(() => target("k.tar", { apiEndpoint: "ftp://host" })).toThrow(expect.objectContaining({ code: "TARGET_URL_INVALID" }));
  });

  it("a part size below 256 KiB → PART_SIZE_INVALID before anything is sent", async () => {
    const dir = treeOfTapeSize(2 * PART);
    const key = freshKey("small");
    await expectTypedError(uploadTape(dir, target(key, { partSize: PART - 1 }), { retry: GIVE_UP }), "PART_SIZE_INVALID", "minimum of 256 KiB");
    expect(await temporaries(key)).toEqual([]);
  });
});

describe("faults between tartape and the server", () => {
  it("rides out 503s and connection resets on part uploads, a 503 on a compose and one on a delete; the object is the tape", async () => {
    const dir = treeOfTapeSize(40 * PART + 512);
    const key = freshKey("faults");
    proxy.resetStats();
    proxy.setFaults([
      { action: "status", status: 503, method: "POST", pathPattern: /^\/upload\/storage\/v1\//, everyNth: 3 },
      { action: "reset", method: "POST", pathPattern: /^\/upload\/storage\/v1\//, everyNth: 4 },
      { action: "status", status: 503, method: "POST", pathPattern: /\/compose/, limit: 1 },
      { action: "reset", method: "POST", pathPattern: /\/compose/, everyNth: 2, limit: 1 },
      { action: "status", status: 503, method: "DELETE", limit: 1 },
    ]);
    try {
      const { run, events } = upload(dir, key, { concurrency: 3, targetOptions: { apiEndpoint: proxy.endpoint } });
      const result = await run;
      expect(result).toMatchObject({ status: "completed", partCount: 41 });
      expect(proxy.stats.faults.status).toBeGreaterThanOrEqual(5);
      expect(proxy.stats.faults.reset).toBeGreaterThanOrEqual(2);
      expect(events.filter((e) => e.type === "part-retry").length).toBeGreaterThanOrEqual(5);
    } finally {
      proxy.clearFaults();
    }
    await expectObjectIsTape(key, dir);
    expect(await temporaries(key)).toEqual([]);
  });
});

describe("the target's own contract", () => {
  /** Uploads `count` parts of `partSize` random bytes directly through the target. */
  async function partsUploaded(key: string, count: number, partSize: number, fingerprint: string, options: { viaProxy?: boolean } = {}) {
    // Through the proxy when a test faults the calls that follow.
    const t = target(key, { apiEndpoint: options.viaProxy ? proxy.endpoint : gcs.endpoint });
    const data = Buffer.alloc(count * partSize);
    for (let i = 0; i < data.length; i += 32) createHash("sha256").update(`${fingerprint}-${i}`).digest().copy(data, i);
    const ctx = contextOf(fingerprint, data.length, partSize);
    const uploadId = await t.createUpload(ctx);
    const receipts: PartReceipt[] = [];
    for (let n = 1; n <= count; n += 32) {
      const batch = Array.from({ length: Math.min(32, count - n + 1) }, (_, i) => n + i);
      receipts.push(...(await Promise.all(batch.map((m) => t.uploadPart(uploadId, specOf(m, partSize, data.subarray((m - 1) * partSize, m * partSize)), bodyOf(data.subarray((m - 1) * partSize, m * partSize)), ctx)))));
    }
    return { t, ctx, uploadId, receipts, data };
  }

  it("a part sent again after its answer was lost is recognised (412), not written twice", async () => {
    const key = freshKey("twice");
    const t = target(key);
    const bytes = Buffer.from("the same part, sent twice");
    const ctx = contextOf("1".repeat(64), bytes.length, PART);
    const uploadId = await t.createUpload(ctx);
    const first = await t.uploadPart(uploadId, specOf(1, PART, bytes), bodyOf(bytes), ctx);
    expect(first.checksum).toBe(`crc32c:${crc32cToBase64(crc32c(bytes))}`);
    const second = await t.uploadPart(uploadId, specOf(1, PART, bytes), bodyOf(bytes), ctx);
    expect(second).toEqual(first);
    expect(await temporaries(key)).toEqual([`${uploadId}part-000001`]);
    await t.abort(uploadId, ctx);
  });

  it("a stale part object with other bytes (another part size) is replaced on the next attempt", async () => {
    const key = freshKey("stale");
    const t = target(key);
    const bytes = Buffer.from("the bytes this plan wants in part 1");
    const ctx = contextOf("2".repeat(64), bytes.length, PART);
    const uploadId = await t.createUpload(ctx);
    await bucket.file(`${uploadId}part-000001`).save(Buffer.from("left by an earlier plan"), { resumable: false });
    await expectTypedError(t.uploadPart(uploadId, specOf(1, PART, bytes), bodyOf(bytes), ctx), "TARGET_ERROR", "held other bytes");
    const receipt = await t.uploadPart(uploadId, specOf(1, PART, bytes), bodyOf(bytes), ctx);
    const [stored] = await bucket.file(`${uploadId}part-000001`).download();
    expect(stored.equals(bytes)).toBe(true);
    expect(receipt.etag).not.toBe("");
    await t.abort(uploadId, ctx);
  });

  it("a part body that fails mid-stream fails the request at once with the body's error, and stores nothing", async () => {
    const key = freshKey("failing-body");
    const t = target(key);
    const size = 8 * 1024 * KiB;
    const ctx = contextOf("d".repeat(64), size, size);
    const changed = new FileChangedError(path.join(scratch.dir("gone"), "big.bin"), "size", "grew while it was read");
    const body = bodyFailingHalfway(size, changed);
    const uploadId = await t.createUpload(ctx);
    const started = Date.now();
    await expect(t.uploadPart(uploadId, { number: 1, start: 0, end: size, size }, body, ctx)).rejects.toBe(changed);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await t.listParts(uploadId, ctx, [])).toEqual([]);
  });

  it("an abort mid-part stops the request at once and stores nothing", async () => {
    const key = freshKey("abort-mid-part");
    const t = target(key);
    const size = 2 * 1024 * KiB;
    const controller = new AbortController();
    const ctx = contextOf("3".repeat(64), size, size, controller.signal);
    // Half the part, then nothing: a request that would hang until the abort.
    const body: PartBody = {
      size,
      open: () => Readable.from((async function* () {
        yield Buffer.alloc(size / 2, 1);
        await new Promise(() => {});
      })()),
      digest: async (algorithm) => createHash(algorithm).update(Buffer.alloc(size, 1)).digest(),
    };
    const uploadId = await t.createUpload(ctx);
    setTimeout(() => controller.abort(new Error("stop")), 300);
    const started = Date.now();
    await expect(t.uploadPart(uploadId, { number: 1, start: 0, end: size, size }, body, ctx)).rejects.toMatchObject({ name: "AbortError" });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(await t.listParts(uploadId, contextOf("3".repeat(64), size, size), [])).toEqual([]);
  });

  it("a part upload whose connection goes silent is given up after the idle timeout, as a retryable error", async () => {
    const key = freshKey("stalled");
    const t = target(key, { idleTimeoutMs: 400 });
    const size = 1024 * KiB;
    const ctx = contextOf("9".repeat(64), size, size);
    const body: PartBody = {
      size,
      // Half the part, then the source stalls (a hung network file system, say).
      open: () => Readable.from((async function* () {
        yield Buffer.alloc(size / 2, 2);
        await new Promise((resolve) => setTimeout(resolve, 5_000).unref());
      })()),
      digest: async (algorithm) => createHash(algorithm).update(Buffer.alloc(size, 2)).digest(),
    };
    const uploadId = await t.createUpload(ctx);
    const started = Date.now();
    const failure = await expectTypedError(t.uploadPart(uploadId, { number: 1, start: 0, end: size, size }, body, ctx), "TARGET_ERROR", "ETIMEDOUT", "temporary error");
    expect((failure as unknown as { retryable: boolean }).retryable).toBe(true);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(await t.listParts(uploadId, ctx, [])).toEqual([]);
  });

  it("completion reuses an intermediate an earlier attempt composed, and a retry after a failed cleanup finishes it", async () => {
    const key = freshKey("resume-compose");
    const { t, ctx, uploadId, receipts, data } = await partsUploaded(key, 40, 1024, "4".repeat(64), { viaProxy: true });
    // An earlier completion got as far as the first intermediate (parts 1..32).
    const intermediate = `${uploadId}compose-1-000001`;
    const [made] = await bucket.combine(receipts.slice(0, 32).map((r) => `${uploadId}part-${String(r.number).padStart(6, "0")}`), intermediate);
    const [madeMetadata] = await made.getMetadata();

    // This attempt's cleanup is refused (403), so it fails after composing: the temporaries stay for inspection.
    proxy.setFaults([{ action: "status", status: 403, method: "DELETE" }]);
    try {
      await expectTypedError(t.complete(uploadId, receipts, ctx), "TARGET_AUTH", "storage.objects.create, get, list and delete");
    } finally {
      proxy.clearFaults();
    }
    const [kept] = await bucket.file(intermediate).getMetadata();
    expect(kept.generation, "the intermediate was composed again instead of reused").toBe(madeMetadata.generation);
    expect(await temporaries(key)).toContain(`${uploadId}compose-1-000002`);

    // The driver's retry: the object is already there, so only the cleanup is left to do.
    const completed = await t.complete(uploadId, receipts, ctx);
    expect(completed.size).toBe(data.length);
    expect((await objectBytes(key)).equals(data)).toBe(true);
    expect(await temporaries(key)).toEqual([]);
  });

  it("an intermediate with the wrong bytes under its name is composed again, not trusted", async () => {
    const key = freshKey("bad-intermediate");
    const { t, ctx, uploadId, receipts, data } = await partsUploaded(key, 33, 1024, "5".repeat(64));
    await bucket.file(`${uploadId}compose-1-000001`).save(Buffer.from("not parts 1 to 32"), { resumable: false });
    await t.complete(uploadId, receipts, ctx);
    expect((await objectBytes(key)).equals(data)).toBe(true);
    expect(await temporaries(key)).toEqual([]);
  });

  it("a part deleted or rewritten behind the upload's back fails completion with a clear error, and nothing is composed", async () => {
    const key = freshKey("tampered");
    const { t, ctx, uploadId, receipts } = await partsUploaded(key, 3, 1024, "6".repeat(64));
    await bucket.file(`${uploadId}part-000003`).delete();
    await expectTypedError(t.complete(uploadId, receipts, ctx), "TARGET_ERROR", "Part 3", "is gone", "Run the upload again");
    await bucket.file(`${uploadId}part-000002`).save(Buffer.alloc(1024, 7), { resumable: false });
    await expectTypedError(t.complete(uploadId, receipts, ctx), "INTEGRITY_MISMATCH", "Part 2", "run the upload again");
    expect(await objectExists(key)).toBe(false);
    await t.abort(uploadId, ctx);
  });

  it("an object with the tape's fingerprint but another CRC32C is not taken for the finished tape", async () => {
    const key = freshKey("impostor");
    const bytes = Buffer.alloc(1000, 9);
    const fingerprint = "7".repeat(64);
    await bucket.file(key).save(bytes, { resumable: false, metadata: { metadata: { [FINGERPRINT_METADATA]: fingerprint, [CRC32C_METADATA]: crc32cToBase64(crc32c(Buffer.alloc(1000, 8))) } } });
    expect(await target(key).findCompleted(contextOf(fingerprint, bytes.length, PART))).toBeNull();
    await bucket.file(key).setMetadata({ metadata: { [CRC32C_METADATA]: crc32cToBase64(crc32c(bytes)) } });
    expect(await target(key).findCompleted(contextOf(fingerprint, bytes.length, PART))).toMatchObject({ size: 1000 });
  });

  it("lists more than one page of parts (listing pages hold 1000 objects at most)", async () => {
    const key = freshKey("many-parts");
    const { t, ctx, uploadId } = await partsUploaded(key, 1005, 1, "8".repeat(64));
    const listed = await t.listParts(uploadId, ctx, []);
    expect(listed?.map((p) => p.number)).toEqual(Array.from({ length: 1005 }, (_, i) => i + 1));
    expect(listed?.every((p) => p.size === 1 && /^\d+$/.test(p.etag))).toBe(true);
    await t.abort(uploadId, ctx);
    expect(await temporaries(key)).toEqual([]);
  });
});
