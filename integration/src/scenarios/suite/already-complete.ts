/**
 * Scenario 7: "already complete" is said only when it is true. The index
 * remembers a completed upload, but the object may have been deleted since,
 * or the directory changed: each is checked before the claim is made, and
 * what happens never depends on which destination was uploaded first.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { record, uploadTape, type UploadEvent } from "@tartape/core";
import { tapeFacts } from "../support/digest.js";
import { expectTypedError } from "../support/typed-error.js";
import { singleFileTree } from "../support/trees.js";
import { expectObjectIsTape, scenarioPartSize, type SuiteContext } from "./context.js";

export function alreadyCompleteScenarios({ harness, scratch }: SuiteContext): void {
  describe("already complete, checked against the destination and the directory", () => {
    it("the object deleted at the destination → uploaded again, said by an event", async () => {
      const partSize = scenarioPartSize(harness);
      const dir = scratch.dir("deleted-object");
      singleFileTree(dir, 2 * partSize);
      await record(dir);
      const tape = await tapeFacts(dir);
      const key = harness.freshKey("deleted");
      expect((await uploadTape(dir, harness.makeTarget(key, { partSize }))).status).toBe("completed");

      await harness.deleteObject(key);
      expect(await harness.readObject(key)).toBeNull();
      const events: UploadEvent["type"][] = [];
      const again = await uploadTape(dir, harness.makeTarget(key, { partSize }), { onEvent: (e) => events.push(e.type) });
      expect(again.status).toBe("completed");
      expect(again.bytesUploaded).toBe(tape.totalSize);
      expect(events).toContain("completed-object-missing");
      await expectObjectIsTape(harness, key, tape);

      const third = await uploadTape(dir, harness.makeTarget(key, { partSize }));
      expect(third.status).toBe("already-complete");
    });

    it("a file of the directory changed → TAPE_CHANGED naming it, in either order of destinations; restart uploads the new state", async () => {
      const partSize = scenarioPartSize(harness);
      for (const order of ["completed-first", "new-first"] as const) {
        const dir = scratch.dir(`changed-after-complete-${order}`);
        singleFileTree(dir, partSize);
        fs.writeFileSync(path.join(dir, "empty"), "");
        await record(dir);
        const before = await tapeFacts(dir);
        const done = harness.freshKey(`complete-${order}`);
        const fresh = harness.freshKey(`fresh-${order}`);
        await uploadTape(dir, harness.makeTarget(done, { partSize }));
        fs.writeFileSync(path.join(dir, "empty"), "hello\n");

        const runCompleted = () => expectTypedError(uploadTape(dir, harness.makeTarget(done, { partSize })), "TAPE_CHANGED", /restart/);
        const runFresh = async () => expect((await uploadTape(dir, harness.makeTarget(fresh, { partSize }))).status).toBe("completed");
        if (order === "completed-first") {
          const err = await runCompleted();
          expect(err.message, "names the changed file").toContain("empty");
          await runFresh();
        } else {
          await runFresh();
          await runCompleted();
        }
        // The completed destination still holds the tape as it was; the new one the new state.
        await expectObjectIsTape(harness, done, before);
        const after = await tapeFacts(dir);
        await expectObjectIsTape(harness, fresh, after);

        const restarted = await uploadTape(dir, harness.makeTarget(done, { partSize }), { restart: true });
        expect(restarted.status).toBe("completed");
        await expectObjectIsTape(harness, done, after);
      }
    });
  });
}
