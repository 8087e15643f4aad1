import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { TartapeError } from "../errors.js";
import { tempDir, writeFile } from "../test-util/fs.js";
import { UploadOptionsChangedError } from "../upload-options-error.js";
import { openTape } from "../tape/tape.js";
import { fileTarget } from "./file-target.js";
import { uploadStatus } from "./manage.js";
import { uploadTape, type UploadEvent } from "./upload-tape.js";

const KiB = 1024;

function tree(bytes: number): string {
  const dir = path.join(tempDir(), "src");
  writeFile(path.join(dir, "data.bin"), Buffer.alloc(bytes, 7));
  return dir;
}

/** Uploads with `partSize`, one part at a time, and stops once the first part is acknowledged. */
async function interrupted(dir: string, dest: string, partSize: number, limits?: { maxParts: number }): Promise<void> {
  const controller = new AbortController();
  const run = uploadTape(dir, fileTarget(dest, { partSize, ...(limits ? { limits } : {}) }), {
    concurrency: 1,
    signal: controller.signal,
    onEvent: (e) => {
      if (e.type === "part-done") controller.abort(new Error("stopped by the test"));
    },
  });
  await expect(run).rejects.toMatchObject({ code: "UPLOAD_ABORTED" });
}

describe("a resume with another part size", () => {
  it("is refused naming the part size that continues, and restart starts over with the new one", async () => {
    const dir = tree(40 * KiB);
    const dest = path.join(tempDir(), "out.tar");
    await interrupted(dir, dest, 4 * KiB);

    const err = await uploadTape(dir, fileTarget(dest, { partSize: 8 * KiB })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UploadOptionsChangedError);
    expect((err as TartapeError).code).toBe("UPLOAD_OPTIONS_CHANGED");
    expect((err as Error).message).toContain("with partSize: 4096 (4 KiB); this run asks for partSize: 8192 (8 KiB)");
    expect((err as Error).message).toContain("Run again with partSize: 4096 (4 KiB) to continue it, or with restart: true");

    // The same size, or none, continues it.
    const resumed = await uploadTape(dir, fileTarget(dest));
    expect(resumed).toMatchObject({ status: "completed", partSize: 4 * KiB });
    expect(resumed.partsSkipped).toBeGreaterThanOrEqual(1);
  });

  it("restart with another part size aborts the upload in progress and uses the new size", async () => {
    const dir = tree(40 * KiB);
    const dest = path.join(tempDir(), "out.tar");
    await interrupted(dir, dest, 4 * KiB);
    const result = await uploadTape(dir, fileTarget(dest, { partSize: 8 * KiB }), { restart: true });
    expect(result).toMatchObject({ status: "completed", partSize: 8 * KiB, partsSkipped: 0 });
    expect(fs.readdirSync(path.dirname(dest)).filter((n) => n.endsWith(".partial"))).toEqual([]);
  });

  it("a size the planner raises to the one in progress is the same plan: it continues", async () => {
    // 4 KiB parts of a 5 MiB tape would be far more than 5: raised to whole MiB, 2 MiB (3 parts).
    const dir = tree(5 * 1024 * KiB);
    const dest = path.join(tempDir(), "out.tar");
    const limits = { maxParts: 5 };
    await interrupted(dir, dest, 4 * KiB, limits);
    const again = await uploadTape(dir, fileTarget(dest, { partSize: 4 * KiB, limits }));
    expect(again).toMatchObject({ status: "completed", partSize: 2 * 1024 * KiB, partCount: 3 });
    expect(again.partsSkipped).toBeGreaterThanOrEqual(1);
  });
});

describe("a plan changed to fit the target's limits is said", () => {
  it("part-size-raised names the size asked for, the size used and why", async () => {
    const dir = tree(40 * KiB);
    const dest = path.join(tempDir(), "out.tar");
    const events: UploadEvent[] = [];
    const result = await uploadTape(dir, fileTarget(dest, { partSize: 4 * KiB, limits: { maxParts: 4 } }), { onEvent: (e) => events.push(e) });
    const raised = events.find((e) => e.type === "part-size-raised");
    expect(raised).toEqual({ type: "part-size-raised", from: 4 * KiB, requested: true, partSize: result.partSize, partCount: result.partCount, partsNeeded: Math.ceil(result.totalSize / (4 * KiB)), maxParts: 4 });
    expect(result.partSize).toBeGreaterThan(4 * KiB);
  });

  it("no event when the plan is the one asked for", async () => {
    const dir = tree(40 * KiB);
    const events: UploadEvent[] = [];
    await uploadTape(dir, fileTarget(path.join(tempDir(), "out.tar"), { partSize: 4 * KiB }), { onEvent: (e) => events.push(e) });
    expect(events.some((e) => e.type === "part-size-raised")).toBe(false);
  });
});

describe("status", () => {
  it("an upload's updated time moves with every part recorded", async () => {
    const dir = tree(40 * KiB);
    const dest = path.join(tempDir(), "out.tar");
    await interrupted(dir, dest, 4 * KiB);
    const before = uploadStatus(dir)[0]!;
    expect(before.partsDone).toBeGreaterThanOrEqual(1);
    const tape = openTape(dir);
    const later = new Date(Date.parse(before.updatedAt) + 5000).toISOString();
    tape.index.db.prepare("UPDATE upload_parts SET uploaded_at = ? WHERE part_number = 1").run(later);
    tape.close();
    expect(uploadStatus(dir)[0]!.updatedAt).toBe(later);
  });
});
