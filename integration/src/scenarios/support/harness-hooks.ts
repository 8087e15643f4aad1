/**
 * The hooks every file that runs against harnesses needs: a scratch folder and
 * the harnesses' servers set up before its tests, and afterwards every CLI
 * child still running killed, the servers torn down and the scratch removed.
 */
import { afterAll, beforeAll } from "vitest";
import type { TargetHarness } from "../harness.js";
import { CliProcess } from "./cli-process.js";
import type { Scratch } from "./scratch.js";

export function useHarnesses(scratch: Scratch, label: string, ...harnesses: TargetHarness[]): void {
  beforeAll(async () => {
    scratch.open(label);
    for (const harness of harnesses) await harness.setup();
  });
  afterAll(async () => {
    CliProcess.killAll();
    try {
      await Promise.all(harnesses.map((harness) => harness.teardown()));
    } finally {
      scratch.close();
    }
  });
}
