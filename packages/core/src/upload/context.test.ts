import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { record } from "../record.js";
import { tempDir, writeFile } from "../test-util/fs.js";
import { openTape, type Tape } from "../tape/tape.js";
import { uploadContext } from "./context.js";

let tape: Tape;

beforeAll(async () => {
  const root = path.join(tempDir(), "photos");
  writeFile(path.join(root, "a.txt"), "hello");
  const indexPath = path.join(tempDir(), "index.db");
  await record(root, { indexPath });
  tape = openTape(root, { indexPath });
});

afterAll(() => tape.close());

describe("uploadContext", () => {
  it("takes the tape's facts for a fresh plan", () => {
    const signal = new AbortController().signal;
    expect(uploadContext(tape, { partSize: 4096, partCount: 3 }, signal)).toEqual({
      fingerprint: tape.fingerprint,
      totalSize: tape.totalSize,
      partSize: 4096,
      partCount: 3,
      tapeName: tape.tapeName,
      signal,
    });
  });

  it("keeps the fingerprint, size and name of the tape an upload read back from the index began with", () => {
    const earlier = { fingerprint: "0123456789abcdef".repeat(4), totalSize: 10_240, partSize: 5120, partCount: 2 };
    const ctx = uploadContext(tape, earlier);
    expect(ctx).toMatchObject(earlier);
    expect(ctx.tapeName).toBe("photos_01234567");
    expect(ctx.signal.aborted).toBe(false);
  });
});
