/**
 * Scenario 2: the CLI is killed with SIGKILL at random moments of an upload,
 * several times, then run to completion. The object must be the tape, no
 * acknowledged part may be sent again, each kill may cost at most the parts
 * that were in flight (≤ concurrency), and nothing temporary may remain.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { BLOCK_SIZE } from "@tartape/core";
import { CliProcess, runCli } from "../support/cli-process.js";
import { tapeFacts } from "../support/digest.js";
import { EventLogTail } from "../support/event-log.js";
import { equalFilesTree, tapeSizeOf } from "../support/trees.js";
import { allParts, expectObjectIsTape, intersection, scenarioPartSize, type SuiteContext } from "./context.js";

const KILLS = 3;
const CONCURRENCY = 3;
/** About this many parts: enough that every kill lands mid-upload. */
const TARGET_PARTS = 40;
const FILES = 8;
/** Parts kept out of reach of the kills, so the last kill still finds work to interrupt. */
const SAFETY_MARGIN = 8;
const POLL_MS = 2;

/** At least 1 MiB and a multiple of the scenario part size: parts long enough to be caught in flight. */
function killPartSize(base: number): number {
  return base * Math.ceil((1024 * 1024) / base);
}

interface KilledRun {
  readonly trigger: string;
  readonly started: ReadonlySet<number>;
  readonly startCount: number;
  readonly done: ReadonlySet<number>;
}

export function killAndRerunScenarios({ harness, scratch, random }: SuiteContext): void {
  describe("kill -9 and rerun (CLI child process)", () => {
    it(`${KILLS} SIGKILLs at random moments, then a full run: exact object, ≤ ${CONCURRENCY} parts re-sent per kill, no leftovers`, async () => {
      const partSize = killPartSize(scenarioPartSize(harness));
      const dir = scratch.dir("kill");
      const fileSize = Math.floor((TARGET_PARTS * partSize) / FILES) - BLOCK_SIZE;
      equalFilesTree(dir, FILES, fileSize);
      const totalSize = tapeSizeOf(Array<number>(FILES).fill(fileSize));
      const partCount = Math.ceil(totalSize / partSize);
      const key = harness.freshKey("kill");
      const destination = harness.cli(key);
      const argsFor = (eventLog: string): string[] => [
        "upload", dir, destination.url,
        "--part-size", String(partSize),
        "--concurrency", String(CONCURRENCY),
        "--event-log", eventLog,
        ...destination.args,
      ];
      const seedNote = `(seed ${random.seed}; rerun with TARTAPE_SCENARIO_SEED=${random.seed})`;

      const runs: KilledRun[] = [];
      const acknowledged = new Set<number>();
      try {
        for (let i = 0; i < KILLS; i++) {
          const remaining = partCount - acknowledged.size;
          const reach = Math.max(1, Math.floor((remaining - SAFETY_MARGIN) / (KILLS - i)));
          const kind = random.pick(["part-start", "part-done"] as const);
          const threshold = random.int(1, reach);
          const trigger = `after ${kind} #${threshold}`;
          const log = new EventLogTail(scratch.file(`kill-run-${i}.jsonl`));
          const cli = CliProcess.start(argsFor(log.file), destination.env);

          let completingAtKill = false;
          let doneAtKill = 0;
          while (cli.running) {
            log.poll();
            if (log.count(kind) >= threshold) {
              completingAtKill = log.count("completing") > 0;
              doneAtKill = log.count("part-done");
              cli.kill();
              break;
            }
            await sleep(POLL_MS);
          }
          const exit = await cli.exited;
          log.poll();

          // The kill must have interrupted an upload still in progress.
          expect(exit.signal, `run ${i + 1} (${trigger}) ended by itself, code ${exit.code} ${seedNote}:\n${exit.stderr}`).toBe("SIGKILL");
          expect(completingAtKill, `run ${i + 1} was already completing when killed ${seedNote}`).toBe(false);
          expect(doneAtKill, `run ${i + 1} had sent every part when killed ${seedNote}`).toBeLessThan(remaining);

          const started = log.parts("part-start");
          expect(intersection(started, acknowledged), `run ${i + 1} re-sent acknowledged parts ${seedNote}`).toEqual([]);
          const done = log.parts("part-done");
          runs.push({ trigger, started, startCount: log.count("part-start"), done });
          for (const n of done) acknowledged.add(n);
        }
      } finally {
        CliProcess.killAll();
      }

      const finalLog = new EventLogTail(scratch.file("kill-run-final.jsonl"));
      const exit = await runCli(argsFor(finalLog.file), destination.env);
      finalLog.poll();
      expect(exit.code, `final run failed:\n${exit.stderr}`).toBe(0);
      const finalStarted = finalLog.parts("part-start");
      expect(intersection(finalStarted, acknowledged), `the final run re-sent acknowledged parts ${seedNote}`).toEqual([]);
      // A kill can land after a part was recorded in the index but before its line reached the log: the final
      // run then skips a part no log calls done. At most one part per kill, and only one a killed run started.
      const logged = new Set([...acknowledged, ...finalLog.parts("part-done")]);
      const unlogged = [...allParts(partCount)].filter((n) => !logged.has(n));
      expect(unlogged.length, `parts never logged as done: ${unlogged.join(", ")} ${seedNote}`).toBeLessThanOrEqual(KILLS);
      for (const n of unlogged) expect(runs.some((r) => r.started.has(n)), `part ${n} was never sent ${seedNote}`).toBe(true);

      const totalStarts = runs.reduce((sum, r) => sum + r.startCount, 0) + finalLog.count("part-start");
      // Parts a kill caught in flight: the only ones the next run may send again.
      const resentPerKill = runs.map((r) => [...r.started].filter((n) => !r.done.has(n)).length);
      console.info(
        `[${harness.name}] kill-and-rerun ${seedNote}: ${partCount} parts of ${partSize} bytes, concurrency ${CONCURRENCY}; ` +
          `kills ${runs.map((r) => r.trigger).join(", ")}; in flight at each kill ${resentPerKill.join(", ")}; ` +
          `${totalStarts} part starts in all (${totalStarts - partCount} re-sent); ${unlogged.length} part(s) recorded but killed before logged`,
      );
      for (const inFlight of resentPerKill) expect(inFlight, `parts in flight at a kill ${seedNote}`).toBeLessThanOrEqual(CONCURRENCY);
      expect(totalStarts, `part starts across all runs ${seedNote}`).toBeLessThanOrEqual(partCount + KILLS * CONCURRENCY);

      const tape = await tapeFacts(dir);
      expect(tape.totalSize).toBe(totalSize);
      await expectObjectIsTape(harness, key, tape);
    });
  });
}
