/**
 * One writer per tape: a second `tartape upload` (or `abort`) of the same
 * directory while the first runs exits 1 naming the first, and changes
 * nothing; the first finishes with the exact object. A holder killed with
 * SIGKILL leaves its lock file, which the next run takes over.
 *
 * The first run is paused (SIGSTOP) while the second tries, so it is alive
 * and mid-upload however fast the target is.
 */
import fs from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { BLOCK_SIZE } from "@tartape/core";
import { CliProcess, runCli, type CliExit } from "../support/cli-process.js";
import { tapeFacts } from "../support/digest.js";
import { EventLogTail } from "../support/event-log.js";
import { equalFilesTree } from "../support/trees.js";
import { expectObjectIsTape, scenarioPartSize, type SuiteContext } from "./context.js";

const PARTS = 12;
const FILES = 4;
const POLL_MS = 5;

/** Starts an upload and returns once it has had `parts` parts acknowledged (and still runs). */
async function startAndWaitForParts(args: readonly string[], env: Readonly<Record<string, string>>, log: EventLogTail, parts: number): Promise<CliProcess> {
  const cli = CliProcess.start(args, env);
  while (cli.running && log.count("part-done") < parts) {
    await sleep(POLL_MS);
    log.poll();
  }
  if (!cli.running) {
    const exit = await cli.exited;
    throw new Error(`the upload ended (code ${exit.code}) before ${parts} part(s) were done:\n${exit.stderr}`);
  }
  return cli;
}

function expectRefusedBy(exit: CliExit, holderPid: number | undefined): void {
  expect(exit.code, exit.stderr).toBe(1);
  // The error is one line, the last one (upload first says where it uploads to).
  const last = exit.stderr.trim().split("\n").at(-1) ?? "";
  expect(last).toMatch(/^tartape: Another tartape process is writing this tape \(pid \d+ on .+, since \d{4}-\d\d-\d\dT/);
  expect(last).toContain(`pid ${holderPid} on`);
  expect(exit.stderr).not.toContain("unexpected error");
}

export function oneWriterScenarios({ harness, scratch }: SuiteContext): void {
  describe("one writer per tape (CLI child processes)", () => {
    const partSize = scenarioPartSize(harness);
    const fileSize = Math.floor((PARTS * partSize) / FILES) - BLOCK_SIZE;

    it("a second upload or abort while one runs exits 1 naming the holder; the first completes the exact object", async () => {
      const dir = scratch.dir("one-writer");
      equalFilesTree(dir, FILES, fileSize);
      const key = harness.freshKey("one-writer");
      const destination = harness.cli(key);
      const args = (log: string) => ["upload", dir, destination.url, "--part-size", String(partSize), "--concurrency", "1", "--event-log", log, ...destination.args];
      const firstLog = new EventLogTail(scratch.file("one-writer-first.jsonl"));
      const first = await startAndWaitForParts(args(firstLog.file), destination.env, firstLog, 1);
      first.pause();
      let second: CliExit;
      let abort: CliExit;
      let during: string[];
      try {
        during = await harness.leftovers(key);
        second = await runCli(["upload", dir, destination.url, "--part-size", String(partSize), ...destination.args], destination.env);
        abort = await runCli(["abort", dir, destination.url, ...destination.args], destination.env);
      } finally {
        first.resume();
      }
      const exit = await first.exited;
      expect(exit.code, exit.stderr).toBe(0);
      expectRefusedBy(second, first.pid);
      expectRefusedBy(abort, first.pid);
      // S3: the refused run created no multipart upload of its own.
      if (harness.name.startsWith("s3")) expect(during, "multipart uploads while both ran").toHaveLength(1);
      await expectObjectIsTape(harness, key, await tapeFacts(dir));
      expect(fs.existsSync(path.join(dir, ".tartape", "index.db.lock")), "lock left after the upload").toBe(false);
    });

    // Started at the same moment, with nothing to order them: only a target slow enough that the two
    // runs overlap for sure (12 parts of 5 MiB to S3, one at a time) makes "exactly one proceeds" certain.
    it.skipIf(!harness.name.startsWith("s3"))("two uploads started at the same moment: exactly one proceeds, the other exits 1 naming it", async () => {
      const dir = scratch.dir("one-writer-race");
      equalFilesTree(dir, FILES, fileSize);
      const key = harness.freshKey("one-writer-race");
      const destination = harness.cli(key);
      const args = ["upload", dir, destination.url, "--part-size", String(partSize), "--concurrency", "1", ...destination.args];
      const runs = [CliProcess.start(args, destination.env), CliProcess.start(args, destination.env)];
      const exits = await Promise.all(runs.map((r) => r.exited));
      const winner = exits.findIndex((e) => e.code === 0);
      expect(exits.map((e) => e.code).sort(), exits.map((e) => e.stderr).join("\n---\n")).toEqual([0, 1]);
      expect(exits[winner]!.stdout).toContain("Upload complete");
      expectRefusedBy(exits[1 - winner]!, runs[winner]!.pid);
      await expectObjectIsTape(harness, key, await tapeFacts(dir));
    });

    it("the lock of a SIGKILLed upload is taken over by the next run, which completes the object", async () => {
      const dir = scratch.dir("one-writer-kill");
      equalFilesTree(dir, FILES, fileSize);
      const key = harness.freshKey("one-writer-kill");
      const destination = harness.cli(key);
      const args = (log: string) => ["upload", dir, destination.url, "--part-size", String(partSize), "--concurrency", "1", "--event-log", log, ...destination.args];
      const log = new EventLogTail(scratch.file("one-writer-killed.jsonl"));
      const killed = await startAndWaitForParts(args(log.file), destination.env, log, 1);
      killed.kill();
      await killed.exited;
      const lockFile = path.join(dir, ".tartape", "index.db.lock");
      expect(JSON.parse(fs.readFileSync(lockFile, "utf8")).pid, "the killed run's lock is still there").toBe(killed.pid);

      const exit = await runCli(args(scratch.file("one-writer-after-kill.jsonl")), destination.env);
      expect(exit.code, exit.stderr).toBe(0);
      await expectObjectIsTape(harness, key, await tapeFacts(dir));
      expect(fs.existsSync(lockFile)).toBe(false);
    });
  });
}
