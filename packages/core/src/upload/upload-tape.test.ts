import { createHash } from "node:crypto";
import path from "node:path";
import { describe, expect, it } from "vitest";
import Database from "better-sqlite3";
import { TargetError } from "../errors.js";
import { TapeIndex } from "../index/tape-index.js";
import { record } from "../record.js";
import { collect, tempDir, writeFile } from "../test-util/fs.js";
import { openTape } from "../tape/tape.js";
import { abortUpload } from "./manage.js";
import type { CompletedObject, PartBody, PartReceipt, PartSpec, ServerPart, Target, UnrecordedCreation, UploadContext } from "./target.js";
import { uploadTape, type UploadEvent } from "./upload-tape.js";

interface StoredUpload {
  readonly parts: Map<number, Buffer>;
  readonly initiated: Date;
}

/** What createUpload does after the server made the upload, for the next `times` calls. */
interface CreateFault {
  /** `killed`: the process dies before the id reaches the driver; `lost`: the answer is lost on the way (retryable). */
  readonly kind: "killed" | "lost";
  times: number;
}

/** A multipart service in memory: what it holds can be inspected, and every call is logged with its context. */
class MemoryTarget implements Target {
  readonly id = "memory://bucket/tape.tar";
  readonly partSize = 4096;
  readonly limits = { minPartSize: 1024, maxPartSize: 1024 * 1024, maxParts: 10_000 };
  readonly uploads = new Map<string, StoredUpload>();
  readonly calls: Array<{ op: string; uploadId?: string; ctx: UploadContext }> = [];
  object: Buffer | null = null;
  createFault: CreateFault | null = null;
  /** Makes abortUnrecorded fail as a listing without permission would. */
  denyListing = false;
  private created = 0;

  async createUpload(ctx: UploadContext): Promise<string> {
    this.calls.push({ op: "create", ctx });
    const id = `upload-${++this.created}`;
    this.uploads.set(id, { parts: new Map(), initiated: new Date() });
    if (this.createFault && this.createFault.times-- > 0) {
      if (this.createFault.kind === "killed") throw new Error("killed right after the server created the upload");
      throw new TargetError("TARGET_ERROR", "connection reset before the answer arrived", { retryable: true });
    }
    return id;
  }

  /** The uploads of this key initiated while the driver was creating one (same clock here, so a second of slack is plenty). */
  async abortUnrecorded(ctx: UploadContext, creation: UnrecordedCreation): Promise<string[]> {
    this.calls.push({ op: "abort-unrecorded", ctx });
    if (this.denyListing) throw new TargetError("TARGET_AUTH", "listing uploads is not allowed");
    const from = creation.startedAt.getTime() - 1000;
    const to = creation.lastAttemptAt.getTime() + 1000;
    const found = [...this.uploads].filter(([id, u]) => !creation.keep.includes(id) && u.initiated.getTime() >= from && u.initiated.getTime() <= to).map(([id]) => id);
    for (const id of found) this.uploads.delete(id);
    return found;
  }

  async listParts(uploadId: string, ctx: UploadContext): Promise<ServerPart[] | null> {
    this.calls.push({ op: "list", uploadId, ctx });
    const upload = this.uploads.get(uploadId);
    return upload ? [...upload.parts].map(([number, bytes]) => ({ number, size: bytes.length, etag: md5(bytes) })) : null;
  }

  async uploadPart(uploadId: string, part: PartSpec, body: PartBody, ctx: UploadContext): Promise<PartReceipt> {
    const bytes = await collect(body.open());
    const upload = this.uploads.get(uploadId);
    if (!upload) throw new Error(`no upload ${uploadId}`);
    upload.parts.set(part.number, bytes);
    this.calls.push({ op: "part", uploadId, ctx });
    return { number: part.number, size: bytes.length, etag: md5(bytes), checksum: `md5:${md5(bytes)}` };
  }

  async complete(uploadId: string, parts: readonly PartReceipt[], ctx: UploadContext): Promise<CompletedObject> {
    this.calls.push({ op: "complete", uploadId, ctx });
    const upload = this.uploads.get(uploadId)!;
    this.object = Buffer.concat(parts.map((p) => upload.parts.get(p.number)!));
    this.uploads.delete(uploadId);
    return { size: this.object.length };
  }

  async abort(uploadId: string, ctx: UploadContext): Promise<void> {
    this.calls.push({ op: "abort", uploadId, ctx });
    this.uploads.delete(uploadId);
  }
}

function md5(bytes: Buffer): string {
  return createHash("md5").update(bytes).digest("hex");
}

/** A directory of a few parts' worth of bytes, and where its index goes. */
function source(): { dir: string; indexPath: string } {
  const dir = path.join(tempDir(), "data");
  for (let i = 0; i < 4; i++) writeFile(path.join(dir, `f${i}.bin`), Buffer.alloc(3000 + i, i + 1));
  return { dir, indexPath: path.join(tempDir(), "index.db") };
}

async function tapeBytes(dir: string, indexPath: string): Promise<{ bytes: Buffer; fingerprint: string; tapeName: string }> {
  const tape = openTape(dir, { indexPath });
  try {
    return { bytes: await collect(tape.createReadStream()), fingerprint: tape.fingerprint, tapeName: tape.tapeName };
  } finally {
    tape.close();
  }
}

/** Uploads parts until the first one is acknowledged, then stops: an upload left in progress. */
async function interruptedUpload(dir: string, indexPath: string, target: Target): Promise<void> {
  const controller = new AbortController();
  const onEvent = (e: UploadEvent) => {
    if (e.type === "part-done") controller.abort(new Error("stopped by the test"));
  };
  await expect(uploadTape(dir, target, { indexPath, concurrency: 1, signal: controller.signal, onEvent })).rejects.toThrow();
}

describe("uploadTape with an in-memory target", () => {
  it("uploads the tape's exact bytes", async () => {
    const { dir, indexPath } = source();
    const target = new MemoryTarget();
    const result = await uploadTape(dir, target, { indexPath });
    const expected = await tapeBytes(dir, indexPath);
    expect(result.status).toBe("completed");
    expect(target.object?.equals(expected.bytes)).toBe(true);
    expect(target.uploads.size).toBe(0);
  });

  it("restart aborts the earlier upload with the fingerprint and name of the tape it began with", async () => {
    const { dir, indexPath } = source();
    const target = new MemoryTarget();
    await interruptedUpload(dir, indexPath, target);
    const before = await tapeBytes(dir, indexPath);
    // The directory changes and is recorded again before the restart.
    writeFile(path.join(dir, "new.txt"), "added later");
    await record(dir, { indexPath, overwrite: true });

    const result = await uploadTape(dir, target, { indexPath, restart: true });
    const abort = target.calls.find((c) => c.op === "abort")!;
    expect(abort.uploadId).toBe("upload-1");
    expect(abort.ctx).toMatchObject({ fingerprint: before.fingerprint, totalSize: before.bytes.length, tapeName: before.tapeName });
    expect(result.fingerprint).not.toBe(before.fingerprint);
    expect(target.object?.equals((await tapeBytes(dir, indexPath)).bytes)).toBe(true);
    expect(target.uploads.size).toBe(0);
  });

  it("abortUpload discards the upload recorded in the index, with that upload's context", async () => {
    const { dir, indexPath } = source();
    const target = new MemoryTarget();
    await interruptedUpload(dir, indexPath, target);
    const created = target.calls.find((c) => c.op === "create")!;

    expect(await abortUpload(dir, target, { indexPath })).toEqual({ aborted: true, uploadId: "upload-1" });
    const abort = target.calls.find((c) => c.op === "abort")!;
    const { signal: _a, ...abortFacts } = abort.ctx;
    const { signal: _c, ...createFacts } = created.ctx;
    expect(abortFacts).toEqual(createFacts);
    expect(target.uploads.size).toBe(0);
    expect(await abortUpload(dir, target, { indexPath })).toEqual({ aborted: false });
  });
});

function intentsOf(indexPath: string, target: Target) {
  const index = TapeIndex.open(indexPath);
  try {
    return index.intents(target.id);
  } finally {
    index.close();
  }
}

const FAST = { retries: 3, minDelayMs: 1, maxDelayMs: 5 };

describe("uploads created on the server but never recorded in the index", () => {
  it("a run killed between createUpload and recording its id leaves an intent; the next run aborts that upload and completes", async () => {
    const { dir, indexPath } = source();
    const target = new MemoryTarget();
    target.createFault = { kind: "killed", times: 1 };
    await expect(uploadTape(dir, target, { indexPath, retry: FAST })).rejects.toThrow("killed");
    expect([...target.uploads.keys()]).toEqual(["upload-1"]);
    expect(intentsOf(indexPath, target)).toMatchObject([{ targetId: target.id, partSize: 4096 }]);

    const result = await uploadTape(dir, target, { indexPath, retry: FAST });
    expect(result).toMatchObject({ status: "completed", uploadId: "upload-2", unrecorded: { discarded: ["upload-1"] } });
    expect(target.uploads.size).toBe(0);
    expect(target.object?.equals((await tapeBytes(dir, indexPath)).bytes)).toBe(true);
    expect(intentsOf(indexPath, target)).toEqual([]);
  });

  it("a createUpload whose answer was lost and was sent again: the first upload is aborted at once, the second completes", async () => {
    const { dir, indexPath } = source();
    const target = new MemoryTarget();
    target.createFault = { kind: "lost", times: 1 };
    const result = await uploadTape(dir, target, { indexPath, retry: FAST });
    expect(result).toMatchObject({ status: "completed", uploadId: "upload-2", unrecorded: { discarded: ["upload-1"] } });
    expect(target.uploads.size).toBe(0);
    expect(intentsOf(indexPath, target)).toEqual([]);
  });

  it("a clean run records no intent and reports nothing", async () => {
    const { dir, indexPath } = source();
    const target = new MemoryTarget();
    const result = await uploadTape(dir, target, { indexPath });
    expect(result.unrecorded).toBeUndefined();
    expect(target.calls.some((c) => c.op === "abort-unrecorded")).toBe(false);
    expect(intentsOf(indexPath, target)).toEqual([]);
  });

  it("failing to look is reported, not fatal; the intent stays and a later run looks again", async () => {
    const { dir, indexPath } = source();
    const target = new MemoryTarget();
    target.createFault = { kind: "killed", times: 1 };
    await expect(uploadTape(dir, target, { indexPath, retry: FAST })).rejects.toThrow("killed");

    target.denyListing = true;
    const second = await uploadTape(dir, target, { indexPath, retry: FAST });
    expect(second.status).toBe("completed");
    expect(second.unrecorded?.discarded).toEqual([]);
    expect(second.unrecorded?.error).toMatchObject({ code: "TARGET_AUTH" });
    expect([...target.uploads.keys()]).toEqual(["upload-1"]);
    expect(intentsOf(indexPath, target)).toHaveLength(1);

    target.denyListing = false;
    const third = await uploadTape(dir, target, { indexPath, retry: FAST });
    expect(third).toMatchObject({ status: "already-complete", unrecorded: { discarded: ["upload-1"] } });
    expect(target.uploads.size).toBe(0);
    expect(intentsOf(indexPath, target)).toEqual([]);
  });

  it("the sweep gets the intent's own facts and never discards the upload the index records", async () => {
    const { dir, indexPath } = source();
    const target = new MemoryTarget();
    await interruptedUpload(dir, indexPath, target);
    // The recorded upload looks gone, so the next run creates another, and dies before recording it.
    const recorded = target.uploads.get("upload-1")!;
    target.uploads.delete("upload-1");
    target.createFault = { kind: "killed", times: 1 };
    await expect(uploadTape(dir, target, { indexPath, retry: FAST })).rejects.toThrow("killed");
    // The recorded upload turns out to exist after all, initiated (as far as the sweep can tell) in the same window.
    target.uploads.set("upload-1", { parts: recorded.parts, initiated: new Date() });

    const result = await uploadTape(dir, target, { indexPath, retry: FAST });
    const sweep = target.calls.find((c) => c.op === "abort-unrecorded")!;
    const killedCreate = target.calls.filter((c) => c.op === "create")[1]!;
    const { signal: _s, ...sweepFacts } = sweep.ctx;
    const { signal: _c, ...createFacts } = killedCreate.ctx;
    expect(sweepFacts).toEqual(createFacts);
    expect(result).toMatchObject({ status: "completed", uploadId: "upload-1", unrecorded: { discarded: ["upload-2"] } });
    expect(result.partsSkipped, "the recorded upload was resumed, not replaced").toBeGreaterThan(0);
    expect(target.uploads.size).toBe(0);
    expect(target.object?.equals((await tapeBytes(dir, indexPath)).bytes)).toBe(true);
  });

  it("abortUpload discards an upload that was created but never recorded", async () => {
    const { dir, indexPath } = source();
    const target = new MemoryTarget();
    target.createFault = { kind: "killed", times: 1 };
    await expect(uploadTape(dir, target, { indexPath, retry: FAST })).rejects.toThrow("killed");
    expect(await abortUpload(dir, target, { indexPath })).toEqual({ aborted: false, unrecorded: ["upload-1"] });
    expect(target.uploads.size).toBe(0);
    expect(intentsOf(indexPath, target)).toEqual([]);
  });

  it("a target that cannot look for such uploads gets no intent written", async () => {
    const { dir, indexPath } = source();
    const target = new MemoryTarget();
    const plain: Target = Object.assign(target, { abortUnrecorded: undefined });
    target.createFault = { kind: "killed", times: 1 };
    await expect(uploadTape(dir, plain, { indexPath, retry: FAST })).rejects.toThrow("killed");
    expect(intentsOf(indexPath, plain)).toEqual([]);
    expect((await uploadTape(dir, plain, { indexPath, retry: FAST })).status).toBe("completed");
  });

  it("an index written before intents existed still opens, and gains the table", async () => {
    const { dir, indexPath } = source();
    await record(dir, { indexPath });
    const raw = new Database(indexPath);
    raw.exec("DROP TABLE upload_intents");
    raw.close();
    const target = new MemoryTarget();
    expect(intentsOf(indexPath, target)).toEqual([]);
    expect((await uploadTape(dir, target, { indexPath })).status).toBe("completed");
  });
});
