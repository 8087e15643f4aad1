/**
 * The Azure target against a real Azurite: the committed blob is the tape at
 * the part counts where off-by-one errors live, resume re-sends only missing
 * blocks, finished and lost uploads are recognised, abort leaves nothing
 * behind, bad input fails with typed errors, and injected faults are ridden out.
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import { Readable } from "node:stream";
import { BlobServiceClient, type BlockBlobClient } from "@azure/storage-blob";
import { ABORT_MARKER_METADATA, AzureTarget, azureTarget, blockIdFor, FINGERPRINT_METADATA, parseAzureUrl, uploadIdFor } from "@tartape/azure";
import { abortUpload, openTape, record, uploadTape, type PartBody, type UploadContext, type UploadEvent } from "@tartape/core";
import { describe, expect, it } from "vitest";
import { azureHarness } from "../src/scenarios/azure-harness.js";
import { sha256, tapeFacts, type TapeFacts } from "../src/scenarios/support/digest.js";
import { useHarnesses } from "../src/scenarios/support/harness-hooks.js";
import { Scratch } from "../src/scenarios/support/scratch.js";
import { mixedTree, singleFileTree } from "../src/scenarios/support/trees.js";
import { expectTypedError } from "../src/scenarios/support/typed-error.js";

const harness = azureHarness();
const scratch = new Scratch();
const PART = 64 * 1024;
const FAST_RETRY = { retries: 8, minDelayMs: 10, maxDelayMs: 200 };
const GIVE_UP_FAST = { retries: 2, minDelayMs: 10, maxDelayMs: 50 };

/** The blob behind a key, through a client of our own (the harness's connection string, no proxy). */
function blobOf(key: string): BlockBlobClient {
  const { url, env } = harness.cli(key);
  const { container, blob } = parseAzureUrl(url);
  return BlobServiceClient.fromConnectionString(env["AZURE_STORAGE_CONNECTION_STRING"]!).getContainerClient(container).getBlockBlobClient(blob);
}

/** The blob is the tape byte for byte, committed from tartape's own blocks, with nothing left over. */
async function expectBlobIsTape(key: string, tape: TapeFacts, partSize: number): Promise<void> {
  const object = await harness.readObject(key);
  expect(object, `no blob at ${key}`).not.toBeNull();
  expect(object!.length).toBe(tape.totalSize);
  expect(sha256(object!), "SHA-256 of the blob vs. the tape").toBe(tape.sha256);
  expect(await harness.leftovers(key)).toEqual([]);

  const blob = blobOf(key);
  const properties = await blob.getProperties();
  expect(properties.contentType).toBe("application/x-tar");
  expect(properties.metadata?.[FINGERPRINT_METADATA]).toBe(tape.fingerprint);
  const uploadId = uploadIdFor(tape.fingerprint, partSize);
  const partCount = Math.max(1, Math.ceil(tape.totalSize / partSize));
  const committed = (await blob.getBlockList("committed")).committedBlocks ?? [];
  expect(committed.map((b) => b.name)).toEqual(Array.from({ length: partCount }, (_, i) => blockIdFor(uploadId, i + 1)));
  expect(committed.map((b) => b.size)).toEqual(Array.from({ length: partCount }, (_, i) => Math.min(partSize, tape.totalSize - i * partSize)));
}

async function recordedTape(dir: string): Promise<TapeFacts> {
  await record(dir);
  return tapeFacts(dir);
}

/**
 * Gives the root directory the mtime its header on the recorded tape has. Creating
 * .tartape after the scan changed it, and it is in the root's header: a second
 * index would record another tape whenever a second boundary fell between the scan
 * and that mkdir. A copy of the directory on another machine keeps the mtime.
 */
async function restoreRootMtime(dir: string): Promise<void> {
  const tape = openTape(dir);
  try {
    const chunks: Buffer[] = [];
    for await (const chunk of tape.createReadStream({ start: 0, end: 512 })) chunks.push(chunk as Buffer);
    const seconds = parseInt(Buffer.concat(chunks).toString("latin1", 136, 147), 8);
    fs.utimesSync(dir, seconds, seconds);
  } finally {
    tape.close();
  }
}

/**
 * Uploads until `count` parts are acknowledged, then aborts; returns the acknowledged part numbers.
 * Every part starts at once (concurrency = part count), so the abort lands on Put Block requests in
 * flight, which is what this target must cope with; nothing waits in the driver's queue.
 */
async function uploadPartly(dir: string, key: string, partSize: number, count: number, partCount: number): Promise<Set<number>> {
  const acknowledged = new Set<number>();
  const controller = new AbortController();
  const onEvent = (e: UploadEvent): void => {
    if (e.type !== "part-done") return;
    acknowledged.add(e.part.number);
    if (acknowledged.size === count) controller.abort(new Error("stopped by the test"));
  };
  await expectTypedError(uploadTape(dir, harness.makeTarget(key, { partSize }), { concurrency: partCount, signal: controller.signal, onEvent }), "UPLOAD_ABORTED");
  return acknowledged;
}

function partsStarted(events: readonly UploadEvent[]): number[] {
  return events.flatMap((e) => (e.type === "part-start" ? [e.part.number] : []));
}

useHarnesses(scratch, "azure", harness);

describe("round trip: the blob is the tape", () => {
  const cases = [
    { title: "1 part", build: (dir: string) => mixedTree(dir), partSize: 4 * 1024 * 1024, parts: 1 },
    { title: "exactly 4 parts", build: (dir: string) => singleFileTree(dir, 4 * PART), partSize: PART, parts: 4 },
    { title: "4 parts + a 1024-byte last part", build: (dir: string) => singleFileTree(dir, 4 * PART + 1024), partSize: PART, parts: 5 },
    // Azure has no minimum block size: parts need not be a multiple of anything.
    { title: "odd part size (1000 bytes), many parts", build: (dir: string) => mixedTree(dir), partSize: 1000, parts: 0 },
  ];
  for (const c of cases) {
    it(c.title, async () => {
      const dir = scratch.dir("round-trip");
      c.build(dir);
      const tape = await recordedTape(dir);
      const key = harness.freshKey("round-trip");
      const result = await uploadTape(dir, harness.makeTarget(key, { partSize: c.partSize }), { concurrency: 3 });
      expect(result.status).toBe("completed");
      expect(result.partCount).toBe(c.parts || Math.ceil(tape.totalSize / c.partSize));
      expect(result.object.size).toBe(tape.totalSize);
      expect(result.object.location).toBe(blobOf(key).url);
      expect(result.object.etag).toBe((await blobOf(key).getProperties()).etag);
      await expectBlobIsTape(key, tape, c.partSize);
    });
  }

  it("raises the part size when the tape needs more blocks than allowed", async () => {
    const dir = scratch.dir("raised");
    singleFileTree(dir, 10 * PART);
    const tape = await recordedTape(dir);
    const key = harness.freshKey("raised");
    const result = await uploadTape(dir, harness.makeTarget(key, { partSize: PART, limits: { maxParts: 3 } }));
    expect(result.partCount).toBeLessThanOrEqual(3);
    expect(result.partSize).toBeGreaterThan(PART);
    await expectBlobIsTape(key, tape, result.partSize);
  });
});

describe("resume", () => {
  it("after an abort mid-upload, re-sends only the blocks not acknowledged", async () => {
    const dir = scratch.dir("resume");
    singleFileTree(dir, 8 * PART);
    const tape = await recordedTape(dir);
    const key = harness.freshKey("resume");
    const acknowledged = await uploadPartly(dir, key, PART, 3, 8);
    expect(acknowledged.size).toBeLessThan(8);
    expect(await harness.readObject(key)).toBeNull();
    // What the server holds: at least the acknowledged blocks, staged and uncommitted.
    const staged = (await blobOf(key).getBlockList("uncommitted")).uncommittedBlocks?.map((b) => b.name) ?? [];
    const uploadId = uploadIdFor(tape.fingerprint, PART);
    for (const n of acknowledged) expect(staged).toContain(blockIdFor(uploadId, n));

    const events: UploadEvent[] = [];
    const result = await uploadTape(dir, harness.makeTarget(key, { partSize: PART }), { onEvent: (e) => events.push(e) });
    expect(result.status).toBe("completed");
    expect(result.partsSkipped).toBe(acknowledged.size);
    expect(result.partsUploaded).toBe(8 - acknowledged.size);
    const resent = partsStarted(events);
    expect(resent.filter((n) => acknowledged.has(n))).toEqual([]);
    expect(new Set([...resent, ...acknowledged]).size).toBe(8);
    expect(events.some((e) => e.type === "upload-resumed")).toBe(true);
    await expectBlobIsTape(key, tape, PART);
  });

  it("when the staged blocks are gone (expired), starts the upload over and completes", async () => {
    const dir = scratch.dir("expired");
    singleFileTree(dir, 6 * PART);
    const tape = await recordedTape(dir);
    const key = harness.freshKey("expired");
    const acknowledged = await uploadPartly(dir, key, PART, 2, 6);
    // What Azure does to blocks left uncommitted for 7 days: drop them all. A Put Block the
    // interrupted run had in flight can still land after the first drop: drop again until none is left.
    for (let attempt = 0; attempt < 50; attempt++) {
      const emptied = await blobOf(key).commitBlockList([]);
      await blobOf(key).delete({ conditions: { ifMatch: emptied.etag! } });
      if ((await harness.leftovers(key)).length === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(await harness.leftovers(key)).toEqual([]);

    const events: UploadEvent[] = [];
    const result = await uploadTape(dir, harness.makeTarget(key, { partSize: PART }), { onEvent: (e) => events.push(e) });
    expect(acknowledged.size).toBeGreaterThan(0);
    expect(events.map((e) => e.type)).toContain("upload-lost");
    expect(result.status).toBe("completed");
    expect(result.partsUploaded).toBe(6);
    await expectBlobIsTape(key, tape, PART);
  });

  it("already committed → 'already-complete', nothing sent, from the index or from the blob's metadata", async () => {
    const dir = scratch.dir("complete");
    singleFileTree(dir, 3 * PART);
    const tape = await recordedTape(dir);
    const key = harness.freshKey("complete");
    expect((await uploadTape(dir, harness.makeTarget(key, { partSize: PART }))).status).toBe("completed");

    const events: UploadEvent[] = [];
    const again = await uploadTape(dir, harness.makeTarget(key, { partSize: PART }), { onEvent: (e) => events.push(e) });
    expect(again.status).toBe("already-complete");
    expect(again.bytesUploaded).toBe(0);

    // A second index (another machine, or a lost .tartape folder) knows nothing: the blob's metadata tells.
    await restoreRootMtime(dir);
    const otherIndex = scratch.file("other-index.db");
    const fresh = await uploadTape(dir, harness.makeTarget(key, { partSize: PART }), { indexPath: otherIndex, onEvent: (e) => events.push(e) });
    expect(fresh.status).toBe("already-complete");
    expect(fresh.object.size).toBe(tape.totalSize);
    expect(partsStarted(events)).toEqual([]);
    await expectBlobIsTape(key, tape, PART);
  });

  it("committed but not recorded (a crash between commit and index write) → 'already-complete'", async () => {
    const dir = scratch.dir("crash-after-commit");
    singleFileTree(dir, 3 * PART);
    const tape = await recordedTape(dir);
    const key = harness.freshKey("crash-after-commit");
    const target = harness.makeTarget(key, { partSize: PART });
    const done = await uploadTape(dir, target, { indexPath: scratch.file("first.db") });
    expect(done.status).toBe("completed");

    // The index of a run that committed, then died before recording it: all parts acknowledged, upload in progress.
    const indexPath = scratch.file("crashed.db");
    await record(dir, { indexPath });
    const crashed = openTape(dir, { indexPath });
    try {
      crashed.index.beginUpload({ targetId: target.id, fingerprint: tape.fingerprint, uploadId: done.uploadId, partSize: PART, partCount: 3, totalSize: tape.totalSize });
      for (let n = 1; n <= 3; n++) {
        const start = (n - 1) * PART;
        crashed.index.recordPart(target.id, { number: n, start, end: Math.min(start + PART, tape.totalSize), etag: blockIdFor(done.uploadId, n), checksum: "md5:unused" });
      }
    } finally {
      crashed.close();
    }

    const events: UploadEvent[] = [];
    const result = await uploadTape(dir, harness.makeTarget(key, { partSize: PART }), { indexPath, onEvent: (e) => events.push(e) });
    expect(result.status).toBe("already-complete");
    expect(partsStarted(events)).toEqual([]);
    await expectBlobIsTape(key, tape, PART);
  });

  it("a blob of another tape at the same name is replaced, not taken for this one", async () => {
    const first = scratch.dir("first");
    singleFileTree(first, 2 * PART);
    await record(first);
    const key = harness.freshKey("replaced");
    await uploadTape(first, harness.makeTarget(key, { partSize: PART }));

    const second = scratch.dir("second");
    singleFileTree(second, 3 * PART);
    const tape = await recordedTape(second);
    const result = await uploadTape(second, harness.makeTarget(key, { partSize: PART }));
    expect(result.status).toBe("completed");
    await expectBlobIsTape(key, tape, PART);
  });
});

describe("abort", () => {
  it("discards the staged blocks; no blob, no uncommitted block remains", async () => {
    const dir = scratch.dir("abort");
    singleFileTree(dir, 6 * PART);
    await record(dir);
    const key = harness.freshKey("abort");
    await uploadPartly(dir, key, PART, 2, 6);
    expect((await harness.leftovers(key)).length).toBeGreaterThanOrEqual(2);

    const result = await abortUpload(dir, harness.makeTarget(key, { partSize: PART }));
    expect(result.aborted).toBe(true);
    expect(await harness.leftovers(key)).toEqual([]);
    expect(await harness.readObject(key)).toBeNull();
  });

  it("an abort interrupted between its empty commit and its delete finishes when run again", async () => {
    const key = harness.freshKey("abort-interrupted");
    const target = harness.makeTarget(key) as AzureTarget;
    const ctx: UploadContext = { fingerprint: "cd".repeat(32), totalSize: 1, partSize: 1, partCount: 1, tapeName: "x_cdcdcdcd", signal: new AbortController().signal };
    const uploadId = uploadIdFor(ctx.fingerprint, 1);
    // The state the first abort left: its empty marker blob, committed but not deleted.
    await blobOf(key).commitBlockList([], { metadata: { [ABORT_MARKER_METADATA]: uploadId } });
    expect(await harness.leftovers(key)).toEqual([`abort marker blob ${key}`]);
    await target.abort(uploadId, ctx);
    expect(await harness.leftovers(key)).toEqual([]);
    expect(await harness.readObject(key)).toBeNull();
  });

  it("leaves a committed blob at the same name alone, unless deleteBlobOnAbort", async () => {
    const old = scratch.dir("old");
    singleFileTree(old, 2 * PART);
    const oldTape = await recordedTape(old);
    const key = harness.freshKey("abort-over-blob");
    await uploadTape(old, harness.makeTarget(key, { partSize: PART }));

    const next = scratch.dir("next");
    singleFileTree(next, 6 * PART);
    await record(next);
    await uploadPartly(next, key, PART, 2, 6);
    await abortUpload(next, harness.makeTarget(key, { partSize: PART }));
    const kept = await harness.readObject(key);
    expect(kept && sha256(kept)).toBe(oldTape.sha256);
    // Azure cannot drop them without touching the blob: they stay until it is next committed, or 7 days.
    expect((await harness.leftovers(key)).length).toBeGreaterThanOrEqual(2);

    await uploadPartly(next, key, PART, 2, 6);
    const { env } = harness.cli(key);
    const deleting = azureTarget({ container: parseAzureUrl(harness.cli(key).url).container, blob: key, connectionString: env["AZURE_STORAGE_CONNECTION_STRING"]!, deleteBlobOnAbort: true });
    await abortUpload(next, deleting);
    expect(await harness.readObject(key)).toBeNull();
    expect(await harness.leftovers(key)).toEqual([]);
  });
});

describe("bad input → typed errors", () => {
  it("container missing → TARGET_NOT_FOUND naming the container", async () => {
    const dir = scratch.dir("missing");
    mixedTree(dir);
    const bad = harness.badTargets().missingContainer as { target: AzureTarget; messageIncludes: string };
    await expectTypedError(uploadTape(dir, bad.target, { retry: GIVE_UP_FAST }), "TARGET_NOT_FOUND", bad.messageIncludes, /create it first/);
  });

  it("malformed connection string → INVALID_ARGUMENT at once; wrong key → TARGET_AUTH", async () => {
    for (const connectionString of ["not a connection string", "AccountName=devstoreaccount1;AccountKey=abc"]) {
      expect(() => azureTarget({ container: "tapes", blob: "x.tar", connectionString })).toThrow(expect.objectContaining({ code: "INVALID_ARGUMENT" }));
    }
    const dir = scratch.dir("wrong-key");
    mixedTree(dir);
    const bad = harness.badTargets().wrongCredentials as { target: AzureTarget; messageIncludes: string };
    await expectTypedError(uploadTape(dir, bad.target, { retry: GIVE_UP_FAST }), "TARGET_AUTH", bad.messageIncludes, /account key|SAS|connection string/);
  });

  it("Azurite down → TARGET_UNREACHABLE after the driver's retries", async () => {
    const dir = scratch.dir("down");
    mixedTree(dir);
    const bad = harness.badTargets().serverDown as { target: AzureTarget; messageIncludes: string };
    const started = Date.now();
    await expectTypedError(uploadTape(dir, bad.target, { retry: GIVE_UP_FAST }), "TARGET_UNREACHABLE", bad.messageIncludes, /Cannot reach/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it("part size over 4000 MiB → PART_SIZE_INVALID, nothing created", async () => {
    const dir = scratch.dir("huge-parts");
    mixedTree(dir);
    const key = harness.freshKey("huge-parts");
    await expectTypedError(uploadTape(dir, harness.makeTarget(key, { partSize: 4001 * 1024 * 1024 })), "PART_SIZE_INVALID", /above this target.s maximum of 3\.91 GiB/);
    expect(await harness.readObject(key)).toBeNull();
    expect(await harness.leftovers(key)).toEqual([]);
  });

  it("a block whose bytes do not match its MD5 → IntegrityMismatchError from the service's check", async () => {
    const key = harness.freshKey("md5");
    const target = harness.makeTarget(key) as AzureTarget;
    const fingerprint = "ab".repeat(32);
    const ctx: UploadContext = { fingerprint, totalSize: 4, partSize: 4, partCount: 1, tapeName: "md5_abababab", signal: new AbortController().signal };
    const lying: PartBody = {
      size: 4,
      open: () => Readable.from([Buffer.from("real")]),
      digest: async () => createHash("md5").update("fake").digest(),
    };
    const uploadId = await target.createUpload(ctx);
    await expectTypedError(target.uploadPart(uploadId, { number: 1, start: 0, end: 4, size: 4 }, lying, ctx), "INTEGRITY_MISMATCH", "Md5Mismatch", "block 1");
    expect(await harness.leftovers(key)).toEqual([]);
  });
});

describe("faults on the wire (fault proxy in front of Azurite)", () => {
  it("resets and 503s on Put Block are ridden out; a commit that keeps failing stops retryably, and the rerun commits without re-sending a block", async () => {
    const faults = harness.faults!;
    const dir = scratch.dir("faults");
    singleFileTree(dir, 12 * PART);
    const tape = await recordedTape(dir);
    const key = harness.freshKey("faults");
    const putBlock = { method: "PUT", pathPattern: /[?&]comp=block(&|$)/ };
    faults.setFaults([
      { everyNth: 3, action: "reset", ...putBlock },
      { everyNth: 4, action: "status", status: 503, ...putBlock },
      { everyNth: 1, action: "status", status: 500, method: "PUT", pathPattern: /[?&]comp=blocklist/ },
    ]);
    const before = faults.injected();
    let retries = 0;
    try {
      const result = await uploadTape(dir, harness.makeTarget(key, { partSize: PART, viaProxy: true }), {
        concurrency: 3,
        retry: FAST_RETRY,
        onEvent: (e) => {
          if (e.type === "part-retry") retries++;
        },
      }).catch((err: unknown) => err);
      // Every Put Block List fails while the rule is armed: the upload must stop with a retryable TARGET_ERROR...
      expect(result).toMatchObject({ code: "TARGET_ERROR", retryable: true });
    } finally {
      faults.clearFaults();
    }
    const after = faults.injected();
    expect(after.reset - before.reset).toBeGreaterThan(0);
    expect(after.status - before.status).toBeGreaterThan(FAST_RETRY.retries);
    expect(retries).toBeGreaterThan(0);

    // ...and the next run, faults gone, commits from the staged blocks without sending one again.
    const events: UploadEvent[] = [];
    const result = await uploadTape(dir, harness.makeTarget(key, { partSize: PART, viaProxy: true }), { onEvent: (e) => events.push(e) });
    expect(result.status).toBe("completed");
    expect(partsStarted(events)).toEqual([]);
    await expectBlobIsTape(key, tape, PART);
  });

  it("a few failures of every kind of request are ridden out in one run", async () => {
    const faults = harness.faults!;
    const dir = scratch.dir("faults-all");
    singleFileTree(dir, 10 * PART);
    const tape = await recordedTape(dir);
    const key = harness.freshKey("faults-all");
    faults.setFaults([
      { everyNth: 2, action: "reset", method: "PUT", pathPattern: /[?&]comp=block(&|$)/ },
      { everyNth: 2, action: "status", status: 503, method: "PUT", pathPattern: /[?&]comp=blocklist/ },
      { everyNth: 2, action: "status", status: 500, method: "HEAD" },
      { everyNth: 2, action: "reset", method: "GET", pathPattern: /[?&]comp=blocklist/ },
    ]);
    try {
      const result = await uploadTape(dir, harness.makeTarget(key, { partSize: PART, viaProxy: true }), { concurrency: 3, retry: FAST_RETRY });
      expect(result.status).toBe("completed");
    } finally {
      faults.clearFaults();
    }
    await expectBlobIsTape(key, tape, PART);
  });
});
