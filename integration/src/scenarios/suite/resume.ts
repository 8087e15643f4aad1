/** Scenario 6: resume in-process. What the server acknowledged is never sent again. */
import { describe, expect, it } from "vitest";
import { record, uploadTape, type UploadEvent } from "@tartape/core";
import { tapeFacts } from "../support/digest.js";
import { expectTypedError } from "../support/typed-error.js";
import { singleFileTree } from "../support/trees.js";
import { allParts, expectObjectIsTape, intersection, scenarioPartSize, type SuiteContext } from "./context.js";

const PARTS = 8;
const CONCURRENCY = 2;
/** Abort once this many parts are acknowledged. */
const ABORT_AFTER = 3;

export function resumeScenarios({ harness, scratch }: SuiteContext): void {
  describe("resume in-process", () => {
    it(`aborted after ${ABORT_AFTER} of ${PARTS} parts → the rerun sends exactly the parts not acknowledged`, async () => {
      const partSize = scenarioPartSize(harness);
      const dir = scratch.dir("resume");
      singleFileTree(dir, PARTS * partSize);
      await record(dir);
      const tape = await tapeFacts(dir);
      const key = harness.freshKey("resume");

      const acknowledged = new Set<number>();
      const controller = new AbortController();
      const onFirstRun = (e: UploadEvent): void => {
        if (e.type !== "part-done") return;
        acknowledged.add(e.part.number);
        if (acknowledged.size === ABORT_AFTER) controller.abort(new Error("aborted by the resume scenario"));
      };
      await expectTypedError(
        uploadTape(dir, harness.makeTarget(key, { partSize }), { concurrency: CONCURRENCY, signal: controller.signal, onEvent: onFirstRun }),
        "UPLOAD_ABORTED",
        /again/,
      );
      expect(acknowledged.size).toBeGreaterThanOrEqual(ABORT_AFTER);
      expect(acknowledged.size, "the abort came too late to interrupt anything").toBeLessThan(PARTS);
      expect(await harness.readObject(key), "an aborted upload must not complete").toBeNull();

      // A new target object, as a new process would build it.
      const started = new Set<number>();
      const result = await uploadTape(dir, harness.makeTarget(key, { partSize }), {
        concurrency: CONCURRENCY,
        onEvent: (e) => {
          if (e.type === "part-start") started.add(e.part.number);
        },
      });

      expect(result.status).toBe("completed");
      expect(result.partsSkipped).toBe(acknowledged.size);
      expect(result.partsUploaded).toBe(PARTS - acknowledged.size);
      expect(intersection(started, acknowledged), "acknowledged parts sent again").toEqual([]);
      expect(new Set([...started, ...acknowledged])).toEqual(allParts(PARTS));
      await expectObjectIsTape(harness, key, tape);
    });

    it("already complete → status already-complete at once, nothing sent", async () => {
      const partSize = scenarioPartSize(harness);
      const dir = scratch.dir("complete");
      singleFileTree(dir, 2 * partSize);
      await record(dir);
      const tape = await tapeFacts(dir);
      const key = harness.freshKey("complete");
      const first = await uploadTape(dir, harness.makeTarget(key, { partSize }));
      expect(first.status).toBe("completed");

      const events: UploadEvent["type"][] = [];
      const again = await uploadTape(dir, harness.makeTarget(key, { partSize }), { onEvent: (e) => events.push(e.type) });

      expect(again.status).toBe("already-complete");
      expect(again.partsUploaded).toBe(0);
      expect(again.bytesUploaded).toBe(0);
      expect(again.partsSkipped).toBe(2);
      expect(events.filter((t) => t === "part-start" || t === "upload-created")).toEqual([]);
      await expectObjectIsTape(harness, key, tape);
    });
  });
}
