/**
 * `tartape cleanup` against one real server: the leftovers of an interrupted
 * upload are listed by a dry run and removed by a real one; what tartape did
 * not make (written here with the service's own SDK), a tartape upload that
 * completed, and a recent leftover under a larger age are left alone; and an
 * upload whose leftovers were removed runs again to completion.
 */
import fs from "node:fs";
import path from "node:path";
import { expect, it } from "vitest";
import { documentedSchemas } from "../../packages/cli/src/json/documented-schemas.js";
import { schemaErrors } from "../../packages/cli/src/json/schema-check.js";
import type { TargetHarness } from "../src/scenarios/harness.js";
import { runCli, type CliExit } from "../src/scenarios/support/cli-process.js";
import type { Scratch } from "../src/scenarios/support/scratch.js";
import { singleFileTree } from "../src/scenarios/support/trees.js";
import { interruptUpload, uploadKeepingEvents } from "../src/scenarios/support/upload-run.js";

/** Something under a key that looks like an unfinished upload, made by another client. */
export interface ForeignLeftover {
  make(key: string): Promise<void>;
  present(key: string): Promise<boolean>;
}

const schema = documentedSchemas().get("cleanup");

function cleanupDocument(run: CliExit): { removed: Array<{ object: string }>; tooRecent: Array<{ object: string }>; notTartapes: number; dryRun: boolean } {
  expect(run.code, run.stderr).toBe(0);
  const doc = JSON.parse(run.stdout) as Record<string, unknown>;
  expect(schema, "docs/json-output.md documents a cleanup schema").toBeDefined();
  expect(schemaErrors(doc, schema!)).toEqual([]);
  return doc as unknown as ReturnType<typeof cleanupDocument>;
}

/** The prefix URL (`s3://bucket/folder/`) of a destination URL. */
function folderOf(url: string): string {
  return url.slice(0, url.lastIndexOf("/") + 1);
}

export function cleanupScenario(harness: TargetHarness, scratch: Scratch, foreign: () => ForeignLeftover): void {
  it("lists (dry run) and removes only tartape's leftovers; an upload run again afterwards completes", async () => {
    const label = "cleanup-zone";
    // Azure takes blocks of any size: 64 KiB keeps three parts quick there too.
    const partSize = Math.max(harness.minPartSize, 64 * 1024);
    const tapeSize = 3 * partSize;

    // An upload interrupted after one part: the service holds its leftovers, the index still references it.
    const dir = scratch.dir("interrupted");
    singleFileTree(dir, tapeSize);
    const key = harness.freshKey(label);
    await interruptUpload((options) => uploadKeepingEvents(dir, harness.makeTarget(key, { partSize }), options), 1, 1);
    expect(await harness.leftovers(key)).not.toEqual([]);

    // A tartape upload that completed, and leftovers another client made, under the same prefix.
    const done = scratch.dir("completed");
    singleFileTree(done, partSize);
    const doneKey = harness.freshKey(label);
    const { url: doneUrl, args, env } = harness.cli(doneKey);
    expect((await runCli(["upload", done, doneUrl, ...args], env)).code).toBe(0);
    const others = foreign();
    const otherKey = harness.freshKey(label);
    await others.make(otherKey);

    const { url } = harness.cli(key);
    const prefix = folderOf(url);
    // How parts are sent (S3's --checksum) is the upload's business; cleanup takes only where and as whom.
    const reach = args.filter((arg, i) => arg !== "--checksum" && args[i - 1] !== "--checksum");
    expect(folderOf(doneUrl)).toBe(prefix);

    const dry = cleanupDocument(await runCli(["cleanup", prefix, "--older-than", "0s", "--dry-run", "--json", ...reach], env));
    expect(dry.dryRun).toBe(true);
    expect(dry.removed.map((l) => l.object)).toEqual([expect.stringMatching(new RegExp(`/${key.replace(/[.]/g, "\\.")}$`))]);
    expect(dry.notTartapes).toBeGreaterThanOrEqual(1);
    expect(await harness.leftovers(key)).not.toEqual([]);

    const recent = cleanupDocument(await runCli(["cleanup", prefix, "--older-than", "7d", "--json", ...reach], env));
    expect(recent.removed).toEqual([]);
    expect(recent.tooRecent.map((l) => l.object)).toEqual(dry.removed.map((l) => l.object));
    expect(await harness.leftovers(key)).not.toEqual([]);

    const human = await runCli(["cleanup", prefix, "--older-than", "0s", ...reach], env);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(/^Removed 1 leftover\(s\) of tartape uploads idle for 0s or more under /);
    expect(human.stdout).toContain("that tartape cannot prove it made");
    expect(await harness.leftovers(key)).toEqual([]);
    expect(await others.present(otherKey)).toBe(true);
    expect((await harness.readObject(doneKey))?.length).toBe(partSize);

    // Nothing of tartape's is left: a second run finds nothing, and still leaves the other client's.
    const again = cleanupDocument(await runCli(["cleanup", prefix, "--older-than", "0s", "--json", ...reach], env));
    expect(again.removed).toEqual([]);
    expect(await others.present(otherKey)).toBe(true);

    // The index still names the removed upload: the next upload starts over and completes.
    const rerun = await runCli(["upload", dir, url, ...args], env);
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.stderr).toMatch(/Upload \S+ no longer exists at the destination; starting over/);
    expect((await harness.readObject(key))?.length).toBe(tapeSize);
    expect(fs.existsSync(path.join(dir, ".tartape"))).toBe(true);
  });
}
