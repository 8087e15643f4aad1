/**
 * Scenario 8: a whole tape comes back. `tartape restore <url> <dir>` gives a
 * tree equal to the source (contents, modes, mtimes before 1970 too, empty
 * folders, symlinks, PAX long names and targets); --only fetches just its
 * subtree's bytes; a byte damaged in storage stops the restore naming the
 * file, with no wrong file under its real name; a restore killed three times
 * and run again gives the same tree, re-fetching at most what was in flight.
 */
import fs from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { CATALOG_SUFFIX, listRemote, record, restoreTape, uploadTape, type RemoteEntry } from "@tartape/core";
import { CliProcess, runCli, type CliExit } from "../support/cli-process.js";
import { restoredView, treeDifferences } from "../support/restored-tree.js";
import { writeRandomFile } from "../support/trees.js";
import { expectTypedError } from "../support/typed-error.js";
import { GIVE_UP_FAST, scenarioPartSize, type SuiteContext } from "./context.js";

const LONG_NAME = `${"d".repeat(120)}/${"n".repeat(110)}.txt`;
const LONG_TARGET = `${"t".repeat(160)}/target`;
const SMALL_FILES = 40;
const KILLS = 3;
const KILL_CONCURRENCY = 3;
const KILL_RANGE = 256 * 1024;
const KILL_FILES = 24;
const POLL_MS = 2;

const asDate = (seconds: number): Date => new Date(seconds * 1000);

/** Big and small files, empty folders, symlinks, PAX long names and targets, mtimes before 1970. */
function restoreTree(dir: string, partSize: number): void {
  writeRandomFile(path.join(dir, "span.bin"), 2 * partSize + 1000);
  for (let i = 0; i < SMALL_FILES; i++) fs.writeFileSync(path.join(dir, `small-${String(i).padStart(2, "0")}.txt`), `small file ${i}\n`.repeat(i + 1));
  fs.writeFileSync(path.join(dir, "empty"), "");
  fs.mkdirSync(path.join(dir, path.dirname(LONG_NAME)), { recursive: true });
  fs.writeFileSync(path.join(dir, LONG_NAME), "a PAX long name\n");
  fs.mkdirSync(path.join(dir, "sub", "empty-dir"), { recursive: true });
  fs.mkdirSync(path.join(dir, "sub", "docs"));
  fs.writeFileSync(path.join(dir, "sub", "tool.sh"), "#!/bin/sh\necho hi\n", { mode: 0o755 });
  writeRandomFile(path.join(dir, "sub", "docs", "data.bin"), 70_000);
  fs.writeFileSync(path.join(dir, "sub", "docs", "old.txt"), "from 1969\n");
  fs.utimesSync(path.join(dir, "sub", "docs", "old.txt"), asDate(-86_400 * 100), asDate(-86_400 * 100));
  fs.symlinkSync("small-00.txt", path.join(dir, "link"));
  fs.symlinkSync(LONG_TARGET, path.join(dir, "sub", "long-link"));
  fs.lutimesSync(path.join(dir, "link"), asDate(1_500_000_000), asDate(1_500_000_000));
  // Folders last, deepest first: what was written into them moved their mtimes.
  fs.utimesSync(path.join(dir, "sub", "empty-dir"), asDate(-1000), asDate(-1000));
  fs.utimesSync(path.join(dir, "sub", "docs"), asDate(1_300_000_000), asDate(1_300_000_000));
  fs.utimesSync(path.join(dir, path.dirname(LONG_NAME)), asDate(1_200_000_000), asDate(1_200_000_000));
  fs.utimesSync(path.join(dir, "sub"), asDate(1_400_000_000), asDate(1_400_000_000));
}

export function restoreScenarios({ harness, scratch, random }: SuiteContext): void {
  describe("restore a whole tape into a folder", () => {
    const uploadTree = async (label: string, build: (dir: string) => void): Promise<{ dir: string; key: string; root: string; entries: RemoteEntry[] }> => {
      const dir = scratch.dir(label);
      build(dir);
      await record(dir);
      const key = harness.freshKey(label);
      const partSize = scenarioPartSize(harness);
      const result = await uploadTape(dir, harness.makeTarget(key, { partSize }), { concurrency: 3 });
      expect(result.catalog).toBe("written");
      const entries: RemoteEntry[] = [];
      for await (const e of (await listRemote(harness.makeTarget(key).remote!)).entries) entries.push(e);
      return { dir, key, root: path.basename(dir), entries };
    };
    const restoreArgs = (key: string, dest: string, viaProxy: boolean, ...rest: string[]): { args: string[]; env: Readonly<Record<string, string>> } => {
      const destination = harness.cli(key, { viaProxy });
      return { args: ["restore", destination.url, dest, ...rest, ...destination.args], env: destination.env };
    };
    const restore = (key: string, dest: string, viaProxy: boolean, ...rest: string[]): Promise<CliExit> => {
      const { args, env } = restoreArgs(key, dest, viaProxy, ...rest);
      return runCli(args, env);
    };
    /**
     * stderr without Node's process warnings: the GCS client leaves a MaxListenersExceededWarning
     * in the CLI's output (seen on fake-gcs-server), which is not what these tests check.
     */
    const tartapeLines = (stderr: string): string[] => stderr.trim().split("\n").filter((l) => !/^\(node:\d+\) \w*Warning|^\(Use `node --trace-warnings/.test(l));
    const proxyBytes = (): number => harness.faults?.responseBytes() ?? 0;
    const viaProxy = harness.faults !== null;

    it("gives back a tree equal to the source; --only fetches just its subtree's bytes", async () => {
      const partSize = scenarioPartSize(harness);
      const { dir, key, root, entries } = await uploadTree("restore", (d) => restoreTree(d, partSize));
      const dest = scratch.dir("restore-out");
      const exit = await restore(key, dest, false, "--concurrency", "4");
      expect(exit.code, exit.stderr).toBe(0);
      expect(exit.stdout).toMatch(/verified {5}every file/);
      expect(treeDifferences(dir, path.join(dest, root))).toEqual([]);
      expect(fs.readdirSync(dest)).toEqual([root]);
      expect(restoredView(path.join(dest, root)).get("sub/empty-dir")).toBe("dir mtime -1000");

      const sub = entries.filter((e) => e.path.startsWith(`${root}/sub/`) && e.kind === "file");
      const subBytes = sub.reduce((sum, e) => sum + e.size, 0);
      const catalog = await harness.readObject(key + CATALOG_SUFFIX);
      const only = scratch.dir("restore-only");
      const before = proxyBytes();
      const partial = await restore(key, only, viaProxy, "--only", `${root}/sub`);
      expect(partial.code, partial.stderr).toBe(0);
      expect(fs.readdirSync(path.join(only, root))).toEqual(["sub"]);
      expect(treeDifferences(path.join(dir, "sub"), path.join(only, root, "sub"))).toEqual([]);
      if (viaProxy) {
        const fetched = proxyBytes() - before;
        console.info(`[${harness.name}] restore --only ${root}/sub: ${fetched} bytes through the proxy for ${subBytes} bytes of files (catalog ${catalog!.length} bytes)`);
        expect(fetched).toBeGreaterThanOrEqual(subBytes);
        // The subtree's files, the headers between them, and the catalog (its tail, then its blocks): never span.bin or the small files.
        expect(fetched).toBeLessThanOrEqual(subBytes + 16 * 1024 + 2 * catalog!.length);
      }
    });

    it("a byte altered in storage: exit 1 naming the file; no file with wrong content under its real name", async (ctx) => {
      const partSize = scenarioPartSize(harness);
      const { dir, key, root, entries } = await uploadTree("restore-damaged", (d) => restoreTree(d, partSize));
      const damaged = `${root}/span.bin`;
      const span = entries.find((e) => e.path === damaged)!;
      const onlyArgs: string[] = [];
      if (harness.corruptStoredByte) {
        await harness.corruptStoredByte(key, span.dataOffset + partSize + 7);
      } else if (harness.faults) {
        // The first content read of a restore of span.bin alone starts at its first byte.
        harness.faults.setFaults([{ ...harness.faults.objectReads(key), action: "flip", atByte: 7, everyNth: 1, limit: 1 }]);
        onlyArgs.push("--only", damaged, "--concurrency", "1");
      } else {
        return ctx.skip(`the ${harness.name} target can neither alter stored bytes nor responses`);
      }
      const dest = scratch.dir("restore-damaged-out");
      try {
        const bad = await restore(key, dest, viaProxy, ...onlyArgs);
        expect(bad.code, bad.stderr).toBe(1);
        expect(bad.stderr).toContain(damaged);
        expect(bad.stderr).toMatch(/damaged/);
        expect(tartapeLines(bad.stderr).filter((l) => l.startsWith("tartape:"))).toHaveLength(1);
      } finally {
        harness.faults?.clearFaults();
      }
      expect(fs.existsSync(path.join(dest, damaged)), "a damaged file is never under its real name").toBe(false);
      // Whatever else was written is right.
      const source = restoredView(dir);
      for (const [rel, what] of restoredView(path.join(dest, root))) if (what.startsWith("file")) expect(what, rel).toBe(source.get(rel));
    });

    it(`${KILLS} SIGKILLs at random moments, then a rerun: the same tree; each kill re-fetches at most concurrency x range size`, async () => {
      const { dir, key, root, entries } = await uploadTree("restore-kill", (d) => {
        for (let i = 0; i < KILL_FILES; i++) writeRandomFile(path.join(d, `f-${String(i).padStart(2, "0")}.bin`), 600_000 + i * 1000);
        for (let i = 0; i < 30; i++) fs.writeFileSync(path.join(d, `s-${String(i).padStart(2, "0")}.txt`), `small ${i}\n`);
      });
      const contentBytes = entries.reduce((sum, e) => sum + e.size, 0);
      const catalogSize = (await harness.readObject(key + CATALOG_SUFFIX))!.length;
      const dest = scratch.dir("restore-kill-out");
      const journal = path.join(dest, ".tartape-restore", "journal");
      /** The journal's facts (packages/core/src/restore/journal.ts): entries are named by their position in `entries`. */
      const journalFacts = (): Array<{ t?: number; p?: number; b?: number }> => {
        let text = "";
        try {
          text = fs.readFileSync(journal, "utf8");
        } catch {
          return [];
        }
        const facts: Array<{ t?: number; p?: number; b?: number }> = [];
        for (const line of text.split("\n").slice(1)) {
          try {
            facts.push(JSON.parse(line) as { t?: number; p?: number; b?: number });
          } catch {
            // A line torn by the kill.
          }
        }
        return facts;
      };
      /** The last "done through" fact: every chosen entry up to that position is done (-1: none). */
      const doneThrough = (facts: ReadonlyArray<{ t?: number }>): number => Math.max(-1, ...facts.map((f) => f.t ?? -1));
      /** Entries done. */
      const doneLines = (): number => 1 + doneThrough(journalFacts());
      /**
       * Content bytes a rerun need not fetch: files the journal says are finished, whole; others up to their
       * last recorded prefix, or whole when already under their real name (renamed only once checked, by a
       * run killed before it recorded so: the rerun checks them and keeps them).
       */
      const durableBytes = (): number => {
        const facts = journalFacts();
        const through = doneThrough(facts);
        const partial = new Map<number, number>();
        for (const f of facts) if (f.p !== undefined && f.p > through) partial.set(f.p, f.b ?? 0);
        let sum = 0;
        for (let ordinal = 0; ordinal <= through; ordinal++) sum += entries[ordinal]!.kind === "file" ? entries[ordinal]!.size : 0;
        const inPlace = (e: RemoteEntry): boolean => fs.statSync(path.join(dest, e.path), { throwIfNoEntry: false })?.size === e.size;
        for (const [ordinal, n] of partial) sum += inPlace(entries[ordinal]!) ? entries[ordinal]!.size : n;
        return sum;
      };
      const seedNote = `(seed ${random.seed}; rerun with TARTAPE_SCENARIO_SEED=${random.seed})`;
      const args = restoreArgs(key, dest, viaProxy, "--concurrency", String(KILL_CONCURRENCY), "--range-size", String(KILL_RANGE));
      const runs: Array<{ fetched: number; progress: number }> = [];
      try {
        for (let i = 0; i < KILLS; i++) {
          const done = doneLines();
          const durableBefore = durableBytes();
          const bytesBefore = proxyBytes();
          const threshold = done + random.int(1, Math.max(1, Math.floor((KILL_FILES - done - 4) / (KILLS - i))));
          const cli = CliProcess.start(args.args, args.env);
          while (cli.running && doneLines() < threshold) await sleep(POLL_MS);
          cli.kill();
          const exit = await cli.exited;
          expect(exit.signal, `run ${i + 1} ended by itself, code ${exit.code} ${seedNote}:\n${exit.stderr}`).toBe("SIGKILL");
          runs.push({ fetched: proxyBytes() - bytesBefore, progress: durableBytes() - durableBefore });
        }
      } finally {
        CliProcess.killAll();
      }
      const durableAtEnd = durableBytes();
      const bytesBefore = proxyBytes();
      const final = await runCli(args.args, args.env);
      expect(final.code, final.stderr).toBe(0);
      expect(final.stdout).toMatch(/already restored by an earlier run/);
      expect(treeDifferences(dir, path.join(dest, root))).toEqual([]);
      expect(fs.existsSync(path.join(dest, ".tartape-restore")), "the journal goes once the restore is complete").toBe(false);
      if (viaProxy) {
        // The run to completion fetched what was missing and the catalog: what every run pays for the catalog.
        const catalogReads = proxyBytes() - bytesBefore - (contentBytes - durableAtEnd);
        expect(catalogReads).toBeGreaterThan(0);
        // The catalog is gone through three times (totals, read plan, writing: docs/restore.md), a block at a time.
        expect(catalogReads).toBeLessThanOrEqual(3 * catalogSize + 64 * 1024);
        // What a killed run fetched beyond the progress it recorded is what the next run fetches again.
        const wasted = runs.map((r) => r.fetched - r.progress - catalogReads);
        console.info(
          `[${harness.name}] restore kill-and-rerun ${seedNote}: ${contentBytes} bytes of content; re-fetched per kill ${wasted.join(", ")} bytes ` +
            `(bound ${KILL_CONCURRENCY} x ${KILL_RANGE} = ${KILL_CONCURRENCY * KILL_RANGE}); catalog ${catalogReads} bytes per run`,
        );
        for (const w of wasted) expect(w, `bytes fetched again after a kill ${seedNote}`).toBeLessThanOrEqual(KILL_CONCURRENCY * KILL_RANGE);
      }
    });

    it("bad input: a destination not empty, an object missing, wrong credentials → typed errors, one-line messages", async () => {
      const { key } = await uploadTree("restore-bad", (d) => fs.writeFileSync(path.join(d, "a.txt"), "a\n"));
      const dest = scratch.dir("restore-bad-out");
      fs.writeFileSync(path.join(dest, "mine.txt"), "mine\n");
      const notEmpty = await restore(key, dest, false);
      expect(notEmpty.code).toBe(2);
      expect(tartapeLines(notEmpty.stderr)).toEqual([expect.stringMatching(/^tartape: .* is not empty\. .*--overwrite/)]);
      expect(fs.readdirSync(dest)).toEqual(["mine.txt"]);
      const missing = await restore(harness.freshKey("restore-missing"), scratch.dir("restore-missing-out"), false);
      expect(missing.code).toBe(1);
      expect(tartapeLines(missing.stderr)).toEqual([expect.stringMatching(/^tartape: There is no object at/)]);
      const wrong = harness.badTargets().wrongCredentials;
      if (wrong !== null) {
        const target = "target" in wrong ? wrong.target : wrong;
        await expectTypedError(restoreTape(target.remote!, scratch.dir("restore-auth-out"), { retry: GIVE_UP_FAST }), "TARGET_AUTH");
      }
    });
  });
}
