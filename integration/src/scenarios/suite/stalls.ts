/**
 * Stalls and lost answers: a server that takes a request and goes silent,
 * and a server that acts on a request whose answer never arrives (reset, or
 * silence), for part uploads and for the step that completes the upload
 * (S3 CompleteMultipartUpload, Azure Put Block List, GCS compose). With the
 * target's idle timeout at a few seconds, every upload ends with the exact
 * object, within a bounded time, and nothing left behind.
 */
import { describe, expect, it } from "vitest";
import { record, uploadTape } from "@tartape/core";
import type { FaultRule } from "../harness.js";
import { tapeFacts } from "../support/digest.js";
import { singleFileTree } from "../support/trees.js";
import { expectObjectIsTape, FAST_RETRY, scenarioPartSize, type SuiteContext } from "./context.js";

const PARTS = 4;
/** The idle timeout the targets get here: long enough for a loaded 2-core machine, short enough to test. */
export const TEST_IDLE_TIMEOUT_MS = 3_000;
/** No run may take longer: a stall the timeout misses would hang until the test's own timeout. */
const BOUND_MS = 60_000;

interface Case {
  readonly name: string;
  readonly on: "part" | "final";
  readonly rule: Pick<FaultRule, "action" | "afterBytes" | "silent">;
}

const CASES: readonly Case[] = [
  { name: "a part upload forwarded in part, then silence", on: "part", rule: { action: "stall", afterBytes: 1024 } },
  { name: "a part stored, its answer reset", on: "part", rule: { action: "drop-response" } },
  { name: "a part stored, then silence instead of its answer", on: "part", rule: { action: "drop-response", silent: true } },
  { name: "the final step done, its answer reset", on: "final", rule: { action: "drop-response" } },
  { name: "the final step done, then silence instead of its answer", on: "final", rule: { action: "drop-response", silent: true } },
];

export function stallScenarios({ harness, scratch }: SuiteContext): void {
  const faults = harness.faults;
  describe(`stalls and lost answers (idle timeout ${TEST_IDLE_TIMEOUT_MS / 1000} s)`, () => {
    for (const c of CASES) {
      const unsupported =
        faults === null ? `the ${harness.name} target has no network to fault` : c.on === "final" && !faults.finalStep ? "no final step known for this target" : null;
      it.skipIf(unsupported !== null)(`${c.name} → completes with the exact bytes${unsupported ? ` (skipped: ${unsupported})` : ""}`, async () => {
        const control = faults!;
        const partSize = scenarioPartSize(harness);
        const dir = scratch.dir("stall");
        singleFileTree(dir, PARTS * partSize);
        await record(dir);
        const tape = await tapeFacts(dir);
        const key = harness.freshKey("stall");
        const where = c.on === "part" ? (control.partUploads ?? { method: "PUT" }) : control.finalStep!;
        // The second part (or the first final step), once.
        control.setFaults([{ everyNth: c.on === "part" ? 2 : 1, limit: 1, ...where, ...c.rule }]);
        const before = control.injected();
        const started = Date.now();
        let retries = 0;
        try {
          const result = await uploadTape(dir, harness.makeTarget(key, { partSize, viaProxy: true, idleTimeoutMs: TEST_IDLE_TIMEOUT_MS }), {
            concurrency: 2,
            retry: FAST_RETRY,
            onEvent: (e) => {
              if (e.type === "part-retry") retries++;
            },
          });
          expect(result.status).toBe("completed");
        } finally {
          control.clearFaults();
        }
        const elapsed = Date.now() - started;
        const after = control.injected();
        expect(after[c.rule.action] - before[c.rule.action], `${c.rule.action} faults injected`).toBe(1);
        if (c.on === "part") expect(retries, "the faulted part was sent again").toBeGreaterThan(0);
        expect(elapsed, "the upload ended within the bound").toBeLessThan(BOUND_MS);
        await expectObjectIsTape(harness, key, tape);
      });
    }
  });
}
