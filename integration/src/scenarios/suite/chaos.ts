/**
 * Chaos, seeded: one upload driven through ROUNDS runs of the CLI, each with
 * a random mix of faults in front of the server (connection resets and 503s
 * on part uploads, a stalled part, a part stored with its answer lost, the
 * final step's answer lost) and, in all rounds but the last, a SIGKILL after
 * a random number of acknowledged parts. The object must equal `tartape cat`
 * of the directory, and nothing may be left on the server (no open multipart
 * upload, no temporary part object, no uncommitted block).
 *
 * ROUNDS is 6 so the suite stays within CI's time on 2 cores (about a minute
 * per target); the seed is printed, and TARTAPE_SCENARIO_SEED=<seed> replays
 * the same rounds.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { BLOCK_SIZE } from "@tartape/core";
import type { FaultControl, FaultRule } from "../harness.js";
import { cliEntry, CliProcess } from "../support/cli-process.js";
import { EventLogTail } from "../support/event-log.js";
import { seededRandom, type Random } from "../support/random.js";
import { equalFilesTree } from "../support/trees.js";
import { scenarioPartSize, type SuiteContext } from "./context.js";

export const ROUNDS = 6;
const PARTS = 16;
const FILES = 4;
const IDLE_TIMEOUT_S = 3;
const POLL_MS = 5;
/** A run still going after this long is hung: it is killed and the test fails, saying which round. */
const ROUND_LIMIT_MS = 90_000;

/** The SHA-256 and length of what `tartape cat <dir>` writes. */
async function catDigest(dir: string): Promise<{ sha256: string; size: number }> {
  const child = spawn(process.execPath, [cliEntry(), "cat", dir], { stdio: ["ignore", "pipe", "inherit"] });
  const hash = createHash("sha256");
  let size = 0;
  for await (const chunk of child.stdout) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  const code = await new Promise<number | null>((resolve) => child.once("close", resolve));
  expect(code, "tartape cat").toBe(0);
  return { sha256: hash.digest("hex"), size };
}

/** A random mix of faults for one round; described for the log. */
function roundFaults(random: Random, control: FaultControl, last: boolean): { rules: FaultRule[]; names: string[] } {
  const parts = control.partUploads ?? { method: "PUT" };
  const menu: Array<[string, FaultRule]> = [
    ["resets", { everyNth: random.int(3, 5), action: "reset", ...parts }],
    ["503s", { everyNth: random.int(3, 5), action: "status", status: 503, ...parts }],
    ["a stall", { everyNth: random.int(1, 3), limit: 1, action: "stall", afterBytes: 1024, ...parts }],
    ["a lost part answer", { everyNth: random.int(1, 3), limit: 1, action: "drop-response", silent: random.int(0, 1) === 1, ...parts }],
  ];
  if (last && control.finalStep) menu.push(["a lost final answer", { everyNth: 1, limit: 1, action: "drop-response", silent: random.int(0, 1) === 1, ...control.finalStep }]);
  const chosen = menu.filter(() => random.int(0, 1) === 1);
  return { rules: chosen.map(([, rule]) => rule), names: chosen.map(([name]) => name) };
}

export function chaosScenarios({ harness, scratch, random: suiteRandom }: SuiteContext): void {
  describe("chaos (seeded)", () => {
    it(`${ROUNDS} rounds of kills and faults on one upload: the object equals tartape cat, nothing left on the server`, async () => {
      // Its own generator from the suite's seed: the rounds do not depend on which scenarios ran before.
      const random = seededRandom((suiteRandom.seed * 31 + 7) >>> 0);
      const seedNote = `seed ${suiteRandom.seed}; replay with TARTAPE_SCENARIO_SEED=${suiteRandom.seed}`;
      const partSize = scenarioPartSize(harness);
      const dir = scratch.dir("chaos");
      equalFilesTree(dir, FILES, Math.floor((PARTS * partSize) / FILES) - BLOCK_SIZE);
      const key = harness.freshKey("chaos");
      const control = harness.faults;
      const destination = harness.cli(key, { viaProxy: control !== null });
      const args = (log: string) => [
        "upload", dir, destination.url,
        "--part-size", String(partSize),
        "--concurrency", "2",
        "--idle-timeout", String(IDLE_TIMEOUT_S),
        "--event-log", log,
        ...destination.args,
      ];

      const story: string[] = [];
      let completed = false;
      try {
        for (let round = 1; round <= ROUNDS && !completed; round++) {
          const last = round === ROUNDS;
          const faults = control ? roundFaults(random, control, last) : { rules: [], names: [] };
          const killAfter = last ? null : random.int(1, 3);
          control?.setFaults(faults.rules);
          const log = new EventLogTail(scratch.file(`chaos-${round}.jsonl`));
          const cli = CliProcess.start(args(log.file), destination.env);
          let killed = false;
          let hung = false;
          const deadline = Date.now() + ROUND_LIMIT_MS;
          while (cli.running) {
            log.poll();
            if (Date.now() > deadline) {
              cli.kill();
              hung = true;
              break;
            }
            if (killAfter !== null && log.count("part-done") >= killAfter && log.count("completing") === 0) {
              cli.kill();
              killed = true;
              break;
            }
            await sleep(POLL_MS);
          }
          const exit = await cli.exited;
          control?.clearFaults();
          completed = exit.code === 0;
          story.push(`round ${round}: ${faults.names.join(", ") || "no faults"}${killAfter !== null ? `, kill after ${killAfter} part(s)` : ""} → ${hung ? "hung" : killed ? "killed" : `exit ${exit.code}`}`);
          if (!killed && !completed) story.push(`  stderr: ${exit.stderr.trim().split("\n").slice(-3).join(" | ")}`, `  stdout: ${exit.stdout.trim().split("\n")[0] ?? ""}`);
          expect(hung, `round ${round} was still running after ${ROUND_LIMIT_MS / 1000} s (${seedNote}); events: ${log.events.map((e) => e.type + (e.part ? ` ${e.part}` : "")).slice(-12).join(", ")}`).toBe(false);
          expect(exit.stderr, `round ${round} (${seedNote})`).not.toContain("unexpected error");
        }
        // Whatever the rounds left undone, a clean run finishes (and must).
        if (!completed) {
          const log = new EventLogTail(scratch.file("chaos-final.jsonl"));
          const final = CliProcess.start(args(log.file), destination.env);
          const exit = await final.exited;
          story.push(`final clean run → exit ${exit.code}`);
          expect(exit.code, `the clean run after the rounds (${seedNote}):\n${exit.stderr}`).toBe(0);
        }
      } finally {
        control?.clearFaults();
        CliProcess.killAll();
        console.info(`[${harness.name}] chaos (${seedNote}): ${PARTS} parts of ${partSize} bytes\n  ${story.join("\n  ")}`);
      }

      const object = await harness.readObject(key);
      expect(object, `no object at ${key} (${seedNote})`).not.toBeNull();
      const cat = await catDigest(dir);
      expect(object!.length, `object size vs tartape cat (${seedNote})`).toBe(cat.size);
      expect(createHash("sha256").update(object!).digest("hex"), `object vs tartape cat (${seedNote})`).toBe(cat.sha256);
      expect(await harness.leftovers(key), `left on the server (${seedNote})`).toEqual([]);
    });
  });
}
