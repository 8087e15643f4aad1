/**
 * Scenario 3: a source file changes while its tape is being uploaded. The
 * upload must stop before completing anything, say which file, refuse to mix
 * old and new bytes on a rerun, and upload the new content on restart.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { BLOCK_SIZE, openTape, record, uploadTape } from "@tartape/core";
import { tapeFacts } from "../support/digest.js";
import { expectTypedError } from "../support/typed-error.js";
import { equalFilesTree } from "../support/trees.js";
import { expectObjectIsTape, scenarioPartSize, type SuiteContext } from "./context.js";

const CONCURRENCY = 2;
/** Sorts after the `f-NNN.bin` files, so it sits in the tape's last part. */
const VICTIM = "zz-victim.txt";

/** The part that holds the victim's content: it must not have started when part 1 is done. */
function victimPart(dir: string, partSize: number): number {
  const tape = openTape(dir);
  try {
    const entry = [...tape.entries()].find((e) => path.basename(e.realPath) === VICTIM);
    if (!entry) throw new Error(`${VICTIM} is not on the tape of ${dir}.`);
    return Math.floor(entry.dataOffset / partSize) + 1;
  } finally {
    tape.close();
  }
}

export function changedFileScenarios({ harness, scratch }: SuiteContext): void {
  describe("a file modified during the upload", () => {
    it("stops the upload naming the file; a rerun says TAPE_CHANGED; restart uploads the new content", async () => {
      const partSize = scenarioPartSize(harness);
      const dir = scratch.dir("changing");
      // Five files of exactly one part each (header included), then the victim in part 6.
      equalFilesTree(dir, 5, partSize - BLOCK_SIZE);
      const victim = path.join(dir, VICTIM);
      fs.writeFileSync(victim, "before\n");
      await record(dir);
      // When part 1 is done, at most parts 2..1+CONCURRENCY have started.
      expect(victimPart(dir, partSize)).toBeGreaterThan(1 + CONCURRENCY);

      const key = harness.freshKey("changed");
      let modifiedAfterPart: number | null = null;
      await expectTypedError(
        uploadTape(dir, harness.makeTarget(key, { partSize }), {
          concurrency: CONCURRENCY,
          onEvent: (e) => {
            if (e.type !== "part-done" || modifiedAfterPart !== null) return;
            modifiedAfterPart = e.part.number;
            fs.appendFileSync(victim, "after\n");
          },
        }),
        ["FILE_CHANGED", "TAPE_CHANGED"],
        VICTIM,
      );
      expect(modifiedAfterPart, "no part finished before the upload failed").not.toBeNull();
      expect(await harness.readObject(key), "a tape with a changed file must not be completed").toBeNull();

      await expectTypedError(uploadTape(dir, harness.makeTarget(key, { partSize }), { concurrency: CONCURRENCY }), "TAPE_CHANGED", VICTIM, /restart/);
      expect(await harness.readObject(key)).toBeNull();

      const result = await uploadTape(dir, harness.makeTarget(key, { partSize }), { concurrency: CONCURRENCY, restart: true });
      expect(result.status).toBe("completed");
      expect(result.partsSkipped).toBe(0);
      const tape = await tapeFacts(dir);
      const object = await expectObjectIsTape(harness, key, tape);
      expect(object.includes("before\nafter\n"), "the object holds the file's new content").toBe(true);
    });
  });
}
