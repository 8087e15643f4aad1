import { createHash } from "node:crypto";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { record } from "../record.js";
import { collect, tempDir, writeFile } from "../test-util/fs.js";
import { openTape } from "../tape/tape.js";
import { abortUpload } from "./manage.js";
import type { CompletedObject, PartBody, PartReceipt, PartSpec, ServerPart, Target, UploadContext } from "./target.js";
import { uploadTape, type UploadEvent } from "./upload-tape.js";

interface StoredUpload {
  readonly parts: Map<number, Buffer>;
}

/** A multipart service in memory: what it holds can be inspected, and every call is logged with its context. */
class MemoryTarget implements Target {
  readonly id = "memory://bucket/tape.tar";
  readonly partSize = 4096;
  readonly limits = { minPartSize: 1024, maxPartSize: 1024 * 1024, maxParts: 10_000 };
  readonly uploads = new Map<string, StoredUpload>();
  readonly calls: Array<{ op: string; uploadId?: string; ctx: UploadContext }> = [];
  object: Buffer | null = null;
  private created = 0;

  async createUpload(ctx: UploadContext): Promise<string> {
    this.calls.push({ op: "create", ctx });
    const id = `upload-${++this.created}`;
    this.uploads.set(id, { parts: new Map() });
    return id;
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
