import path from "node:path";
import { Readable } from "node:stream";
import { expect, it } from "vitest";
import { tempDir } from "../test-util/fs.js";
import { fileTarget } from "./file-target.js";
import { IdleTimeoutError } from "./idle-timeout.js";
import type { PartBody, UploadContext } from "./target.js";

it("the file target gives up a part whose writes stop making progress (a hung file system), when given an idle timeout", async () => {
  const target = fileTarget(path.join(tempDir(), "out.tar"), { idleTimeoutMs: 100 });
  const ctx: UploadContext = { fingerprint: "f".repeat(64), totalSize: 8192, partSize: 4096, partCount: 2, tapeName: "t_ffffffff", signal: new AbortController().signal };
  const uploadId = await target.createUpload(ctx);
  // A body that yields one chunk and then nothing: the write loop waits, as it would on a hung mount.
  const stalledOnce: PartBody = { size: 4096, digest: async () => Buffer.alloc(16), open: () => Readable.from((async function* () { yield Buffer.alloc(512); await new Promise(() => {}); })()) };
  await expect(target.uploadPart(uploadId, { number: 1, start: 0, end: 4096, size: 4096 }, stalledOnce, ctx)).rejects.toBeInstanceOf(IdleTimeoutError);
});
