/**
 * The one scenario suite every target runs: the same guarantees, checked
 * against the local file target, S3 (MinIO), Azure (Azurite) and GCS
 * (fake-gcs-server). A target provides a TargetHarness; its test file is just
 * `runScenarioSuite(xHarness())`.
 */
import { describe } from "vitest";
import type { TargetHarness } from "./harness.js";
import { alreadyCompleteScenarios } from "./suite/already-complete.js";
import { useHarnesses } from "./support/harness-hooks.js";
import { scenarioSeed, seededRandom } from "./support/random.js";
import { Scratch } from "./support/scratch.js";
import { badInputScenarios } from "./suite/bad-input.js";
import { changedFileScenarios } from "./suite/changed-file.js";
import type { SuiteContext } from "./suite/context.js";
import { faultScenarios } from "./suite/faults.js";
import { killAndRerunScenarios } from "./suite/kill-and-rerun.js";
import { oneWriterScenarios } from "./suite/one-writer.js";
import { stallScenarios } from "./suite/stalls.js";
import { chaosScenarios } from "./suite/chaos.js";
import { remoteReadScenarios } from "./suite/remote-read.js";
import { restoreScenarios } from "./suite/restore.js";
import { resumeScenarios } from "./suite/resume.js";
import { roundTripScenarios } from "./suite/round-trip.js";

export function runScenarioSuite(harness: TargetHarness): void {
  const context: SuiteContext = { harness, scratch: new Scratch(), random: seededRandom(scenarioSeed()) };

  describe(`scenarios: ${harness.name}`, () => {
    useHarnesses(context.scratch, `scenarios-${harness.name}`, harness);

    roundTripScenarios(context);
    killAndRerunScenarios(context);
    changedFileScenarios(context);
    faultScenarios(context);
    badInputScenarios(context);
    resumeScenarios(context);
    remoteReadScenarios(context);
    restoreScenarios(context);
    alreadyCompleteScenarios(context);
    oneWriterScenarios(context);
    stallScenarios(context);
    chaosScenarios(context);
  });
}
