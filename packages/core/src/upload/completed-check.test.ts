import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { TartapeError } from "../errors.js";
import { record } from "../record.js";
import { tempDir, writeFile } from "../test-util/fs.js";
import { openTape } from "../tape/tape.js";
import { fileTarget } from "./file-target.js";
import { uploadTape, type UploadEvent } from "./upload-tape.js";

function sourceTree(): string {
  const dir = path.join(tempDir(), "src");
  writeFile(path.join(dir, "a.txt"), "a\n".repeat(3000));
  writeFile(path.join(dir, "e3", "empty"), "");
  return dir;
}

async function rejection(promise: Promise<unknown>): Promise<TartapeError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err, "expected a rejection").toBeInstanceOf(TartapeError);
  return err as TartapeError;
}

describe("already complete, checked", () => {
  it("the file deleted at the destination → uploaded again, said out loud", async () => {
    const dir = sourceTree();
    const dest = path.join(tempDir(), "out.tar");
    expect((await uploadTape(dir, fileTarget(dest))).status).toBe("completed");
    const bytes = fs.readFileSync(dest);

    fs.rmSync(dest);
    const events: UploadEvent[] = [];
    const again = await uploadTape(dir, fileTarget(dest), { onEvent: (e) => events.push(e) });
    expect(again.status).toBe("completed");
    expect(again.bytesUploaded).toBe(bytes.length);
    expect(events.map((e) => e.type)).toContain("completed-object-missing");
    expect(fs.readFileSync(dest).equals(bytes)).toBe(true);

    // Now it is there: already complete, nothing sent.
    expect((await uploadTape(dir, fileTarget(dest))).status).toBe("already-complete");
  });

  it("the file replaced by other bytes of the same size → uploaded again", async () => {
    const dir = sourceTree();
    const dest = path.join(tempDir(), "out.tar");
    await uploadTape(dir, fileTarget(dest));
    const bytes = fs.readFileSync(dest);
    const damaged = Buffer.from(bytes);
    damaged[600] = damaged[600]! ^ 0xff;
    fs.writeFileSync(dest, damaged);

    expect((await uploadTape(dir, fileTarget(dest))).status).toBe("completed");
    expect(fs.readFileSync(dest).equals(bytes)).toBe(true);
  });

  it("a file of the directory changed → TAPE_CHANGED naming it and --restart's option; the destination stays", async () => {
    const dir = sourceTree();
    const dest = path.join(tempDir(), "out.tar");
    await uploadTape(dir, fileTarget(dest));
    const bytes = fs.readFileSync(dest);
    fs.writeFileSync(path.join(dir, "e3", "empty"), "hello\n");

    const err = await rejection(uploadTape(dir, fileTarget(dest)));
    expect(err.code).toBe("TAPE_CHANGED");
    expect(err.message).toContain("e3/empty");
    expect(err.message).toContain("restart: true");
    expect(fs.readFileSync(dest).equals(bytes)).toBe(true);

    const restarted = await uploadTape(dir, fileTarget(dest), { restart: true });
    expect(restarted.status).toBe("completed");
    expect(fs.readFileSync(dest).includes("hello\n")).toBe(true);
  });

  it("the order of destinations makes no difference: a completed one fails the same before and after a new one", async () => {
    for (const order of ["old-first", "new-first"] as const) {
      const dir = sourceTree();
      const out = tempDir();
      const old = path.join(out, "old.tar");
      const fresh = path.join(out, "new.tar");
      await uploadTape(dir, fileTarget(old));
      const oldBytes = fs.readFileSync(old);
      fs.writeFileSync(path.join(dir, "e3", "empty"), "hello\n");

      const runOld = async () => {
        const err = await rejection(uploadTape(dir, fileTarget(old)));
        return { code: err.code, restart: err.message.includes("restart: true") };
      };
      const runNew = async () => (await uploadTape(dir, fileTarget(fresh))).status;
      const outcomes =
        order === "old-first" ? { old: await runOld(), fresh: await runNew() } : { fresh: await runNew(), old: await runOld() };
      expect(outcomes, order).toEqual({ old: { code: "TAPE_CHANGED", restart: true }, fresh: "completed" });
      expect(fs.readFileSync(old).equals(oldBytes), `${order}: the completed destination is left as it was`).toBe(true);
      expect(fs.readFileSync(fresh).includes("hello\n"), `${order}: the new destination holds the new state`).toBe(true);
    }
  });

  it("a deleted object and a changed directory → the new state is uploaded (nothing at the destination to keep)", async () => {
    const dir = sourceTree();
    const dest = path.join(tempDir(), "out.tar");
    await record(dir);
    await uploadTape(dir, fileTarget(dest));
    fs.rmSync(dest);
    fs.writeFileSync(path.join(dir, "e3", "empty"), "hello\n");
    expect((await uploadTape(dir, fileTarget(dest))).status).toBe("completed");
    expect(fs.readFileSync(dest).includes("hello\n")).toBe(true);
  });
});

describe("a file destination inside the directory", () => {
  it("is never part of the tape, nor are its partial files (as GNU tar skips its own archive)", async () => {
    const dir = sourceTree();
    const dest = path.join(dir, "backup.tar");
    fs.writeFileSync(path.join(dir, ".backup.tar.0123456789ab.partial"), "left by an earlier run");
    const first = await uploadTape(dir, fileTarget(dest));
    expect(first.status).toBe("completed");
    const restarted = await uploadTape(dir, fileTarget(dest), { restart: true });
    expect(restarted.status).toBe("completed");
    expect(restarted.totalSize, "the same entries: the destination is not in the tape").toBe(first.totalSize);
    const tape = openTape(dir);
    try {
      expect([...tape.entries()].map((e) => path.basename(e.arcPath))).toEqual(["src", "a.txt", "e3", "empty"]);
    } finally {
      tape.close();
    }
  });
});
