import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { record } from "../record.js";
import { setMtime, tempDir, writeFile } from "../test-util/fs.js";
import { fileTarget } from "./file-target.js";
import { uploadTape } from "./upload-tape.js";

describe("an interrupted upload, then record --force of the unchanged tree", () => {
  it("resumes: the tape recorded again is the same tape", async () => {
    const dir = path.join(tempDir(), "src");
    writeFile(path.join(dir, "data.bin"), Buffer.alloc(64 * 1024, 3));
    // Seconds away from now: creating .tartape in it moves the root's mtime to another second.
    setMtime(dir, 1_000_000_000);
    const dest = path.join(tempDir(), "out.tar");
    const controller = new AbortController();
    await expect(
      uploadTape(dir, fileTarget(dest, { partSize: 8192 }), {
        concurrency: 1,
        signal: controller.signal,
        onEvent: (e) => e.type === "part-done" && controller.abort(new Error("stop")),
      }),
    ).rejects.toMatchObject({ code: "UPLOAD_ABORTED" });
    expect(fs.statSync(dir).mtimeMs).not.toBe(1_000_000_000_000);

    await record(dir, { overwrite: true });
    const resumed = await uploadTape(dir, fileTarget(dest, { partSize: 8192 }));
    expect(resumed.status).toBe("completed");
    expect(resumed.partsSkipped).toBeGreaterThanOrEqual(1);
  });
});
