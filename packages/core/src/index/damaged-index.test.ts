/**
 * A damaged, truncated or deleted index: typed INDEX_DAMAGED errors that name
 * the file, say what it means for the uploads it recorded and how to recover;
 * `record --force` sets the damaged file aside and the upload then completes.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { IndexDamagedError } from "../errors.js";
import { record } from "../record.js";
import { openTape } from "../tape/tape.js";
import { collect, tempDir, writeFile } from "../test-util/fs.js";
import { fileTarget } from "../upload/file-target.js";
import { abortUpload, uploadStatus } from "../upload/manage.js";
import type { PartBody, PartReceipt, PartSpec, UploadContext } from "../upload/target.js";
import { uploadTape, type UploadEvent } from "../upload/upload-tape.js";

const PART = 4096;

/** Enough entries that the index spans many pages, each a few parts' worth. */
function source(): { dir: string; indexPath: string } {
  const dir = path.join(tempDir(), "data");
  for (let i = 0; i < 300; i++) writeFile(path.join(dir, `d${i % 7}`, `file-with-a-longish-name-${i}.bin`), Buffer.alloc(100 + i, i));
  return { dir, indexPath: path.join(dir, ".tartape", "index.db") };
}

/** An upload stopped after its first acknowledged part: the index records it as in progress. */
async function inProgress(dir: string, out: string): Promise<void> {
  const controller = new AbortController();
  const onEvent = (e: UploadEvent) => {
    if (e.type === "part-done") controller.abort(new Error("stopped by the test"));
  };
  await expect(uploadTape(dir, fileTarget(out, { partSize: PART }), { concurrency: 1, signal: controller.signal, onEvent })).rejects.toThrow();
}

/** Overwrites one page in the middle of the file with bytes no page holds. */
function overwritePage(indexPath: string): void {
  const size = fs.statSync(indexPath).size;
  const page = Math.floor(size / 4096 / 2);
  const fd = fs.openSync(indexPath, "r+");
  fs.writeSync(fd, Buffer.alloc(4096, 0xa5), 0, 4096, page * 4096);
  fs.closeSync(fd);
}

async function expectDamaged(promise: Promise<unknown>, indexPath: string): Promise<IndexDamagedError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(IndexDamagedError);
  const damaged = err as IndexDamagedError;
  expect(damaged.code).toBe("INDEX_DAMAGED");
  expect(damaged.message).toContain(indexPath);
  expect(damaged.message).not.toContain("\n");
  return damaged;
}

describe.each([
  ["a page overwritten", overwritePage],
  ["the file truncated", (indexPath: string) => fs.truncateSync(indexPath, Math.floor(fs.statSync(indexPath).size / 2))],
])("an index with %s", (_name, damage) => {
  it("stops an upload before it touches anything, names the unfinished upload, and record --force recovers", async () => {
    const { dir, indexPath } = source();
    const out = path.join(tempDir(), "out.tar");
    await inProgress(dir, out);
    expect(uploadStatus(dir)[0]?.status).toBe("in-progress");
    damage(indexPath);

    const failed = await expectDamaged(uploadTape(dir, fileTarget(out, { partSize: PART })), indexPath);
    expect(failed.message).toContain(`tartape record --force ${dir}`);
    expect(failed.message).toMatch(/unfinished uploads to file:\/\/.*out\.tar \(upload |can no longer be resumed or aborted from it/);

    await record(dir, { overwrite: true });
    expect(fs.readdirSync(path.dirname(indexPath)).some((name) => name.startsWith("index.db.damaged-"))).toBe(true);
    const result = await uploadTape(dir, fileTarget(out, { partSize: PART }));
    expect(result.status).toBe("completed");
    const tape = openTape(dir);
    try {
      expect(fs.readFileSync(out).equals(await collect(tape.createReadStream()))).toBe(true);
    } finally {
      tape.close();
    }
  });
});

it("abort and record without --force say the index is damaged too", async () => {
  const { dir, indexPath } = source();
  await record(dir);
  fs.truncateSync(indexPath, 100);
  await expectDamaged(record(dir), indexPath);
  await expectDamaged(abortUpload(dir, fileTarget(path.join(tempDir(), "x.tar"))), indexPath);
  expect(() => openTape(dir)).toThrow(IndexDamagedError);
});

it("an index deleted while an upload runs stops it, reported as such; the rerun starts over and completes", async () => {
  const { dir, indexPath } = source();
  const out = path.join(tempDir(), "out.tar");
  const inner = fileTarget(out, { partSize: PART });
  let deleted = false;
  // The file target, with the index deleted from under the upload once the first part is in.
  const target = Object.assign(Object.create(Object.getPrototypeOf(inner) as object) as typeof inner, inner, {
    async uploadPart(uploadId: string, part: PartSpec, body: PartBody, ctx: UploadContext): Promise<PartReceipt> {
      if (part.number === 2 && !deleted) {
        deleted = true;
        fs.rmSync(path.dirname(indexPath), { recursive: true, force: true });
        await new Promise((resolve) => setTimeout(resolve, 1200));
      }
      return inner.uploadPart(uploadId, part, body, ctx);
    },
  });
  const failed = await expectDamaged(uploadTape(dir, target, { concurrency: 1 }), indexPath);
  expect(failed.message).toContain("was deleted while the upload to");
  expect(failed.message).toContain("run the same command again");

  const result = await uploadTape(dir, fileTarget(out, { partSize: PART }));
  expect(result.status).toBe("completed");
});
