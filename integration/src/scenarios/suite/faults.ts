/** Scenario 4: 503s and connection resets on part uploads are ridden out, and provably happened. */
import { describe, expect, it } from "vitest";
import { record, uploadTape } from "@tartape/core";
import type { FaultRule } from "../harness.js";
import { tapeFacts } from "../support/digest.js";
import { singleFileTree } from "../support/trees.js";
import { expectObjectIsTape, FAST_RETRY, scenarioPartSize, type SuiteContext } from "./context.js";

const PARTS = 10;

export function faultScenarios({ harness, scratch }: SuiteContext): void {
  const noNetwork = harness.faults === null;
  describe("faults on the wire", () => {
    it.skipIf(noNetwork)(
      `every 3rd part upload reset, every 4th answered 503 → completes with the exact bytes${noNetwork ? ` (skipped: the ${harness.name} target has no network to fault)` : ""}`,
      async () => {
        const faults = harness.faults!;
        const partSize = scenarioPartSize(harness);
        const dir = scratch.dir("faults");
        singleFileTree(dir, PARTS * partSize);
        await record(dir);
        const tape = await tapeFacts(dir);
        const key = harness.freshKey("faults");
        const partUploads = faults.partUploads ?? { method: "PUT" };
        const rules: FaultRule[] = [
          { everyNth: 3, action: "reset", ...partUploads },
          { everyNth: 4, action: "status", status: 503, ...partUploads },
        ];

        let retries = 0;
        faults.setFaults(rules);
        const before = faults.injected();
        try {
          const result = await uploadTape(dir, harness.makeTarget(key, { partSize, viaProxy: true }), {
            concurrency: 3,
            retry: FAST_RETRY,
            onEvent: (e) => {
              if (e.type === "part-retry") retries++;
            },
          });
          expect(result.status).toBe("completed");
          expect(result.partCount).toBe(PARTS);
        } finally {
          faults.clearFaults();
        }

        const after = faults.injected();
        expect(after.reset - before.reset, "connection resets injected").toBeGreaterThan(0);
        expect(after.status - before.status, "503s injected").toBeGreaterThan(0);
        expect(retries, "part retries the driver reported").toBeGreaterThan(0);
        await expectObjectIsTape(harness, key, tape);
      },
    );
  });
}
