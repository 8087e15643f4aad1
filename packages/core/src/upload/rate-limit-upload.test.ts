/** uploadTape's bandwidth cap, on the file target: one budget for all parts in flight, and the bytes unchanged. */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../test-util/fs.js";
import { openTape } from "../tape/tape.js";
import { fileTarget } from "./file-target.js";
import { uploadTape } from "./upload-tape.js";

const MiB = 1024 * 1024;

describe("uploadTape with bytesPerSecond", () => {
  it("keeps 4 parts in flight together under the cap, and the file is the tape", async () => {
    const root = tempDir("rate");
    const dir = path.join(root, "data");
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, "a.bin"), Buffer.alloc(3 * MiB - 2048, 7));
    const dest = path.join(root, "out.tar");
    const started = performance.now();
    const result = await uploadTape(dir, fileTarget(dest, { partSize: 256 * 1024 }), { concurrency: 4, bytesPerSecond: 4 * MiB });
    const seconds = (performance.now() - started) / 1000;
    expect(result.totalSize).toBe(3 * MiB);
    // 3 MiB at 4 MiB/s: 0.75 s, less the 100 ms burst allowance and a last chunk; 4 uncapped parts would take a few ms.
    expect(seconds).toBeGreaterThan(0.6);
    expect(seconds).toBeLessThan(3);
    const tape = openTape(dir);
    try {
      const chunks: Buffer[] = [];
      for await (const chunk of tape.createReadStream()) chunks.push(chunk as Buffer);
      expect(fs.readFileSync(dest).equals(Buffer.concat(chunks))).toBe(true);
    } finally {
      tape.close();
    }
  });

  it("refuses a cap that is not a positive number before doing anything", async () => {
    const root = tempDir("rate-bad");
    await expect(uploadTape(root, fileTarget(path.join(root, "x.tar")), { bytesPerSecond: 0 })).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
    expect(fs.existsSync(path.join(root, ".tartape"))).toBe(false);
  });
});
