import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, runTartape, tempDir, writeTree } from "../../test-support/cli.js";
import { uploadUntil, writeBigTree } from "../../test-support/interrupted-upload.js";

let root: string;
beforeAll(() => {
  assertBuilt();
  root = tempDir("status");
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe("tartape status", () => {
  it("says when no upload is recorded", async () => {
    const dir = path.join(root, "none");
    writeTree(dir, { "a.txt": "a" });
    expect((await runTartape(["record", dir])).code).toBe(0);
    const run = await runTartape(["status", dir]);
    expect(run.code).toBe(0);
    expect(run.out).toBe(`No uploads are recorded for ${dir}.\n`);
  });

  it("shows an interrupted upload's parts and bytes, then the completed one, and which tape each belongs to", async () => {
    const dir = path.join(root, "tracked");
    writeBigTree(dir, 24);
    const partial = path.join(root, "partial.tar");
    const killed = await uploadUntil(dir, partial, path.join(root, "partial.jsonl"), { afterParts: 2, signal: "SIGKILL", extra: ["--part-size", "1MiB", "--concurrency", "1"] });
    expect(killed.run.signal).toBe("SIGKILL");
    const complete = path.join(root, "complete.tar");
    expect((await runTartape(["upload", dir, complete, "--part-size", "4MiB"])).code).toBe(0);

    const run = await runTartape(["status", dir]);
    expect(run.code).toBe(0);
    const [first, second] = run.out.trimEnd().split("\n\n");
    expect(first).toMatch(new RegExp(`^file://${partial}\\n {2}status +in progress, for the current tape\\n {2}parts +(\\d+)/25 of 1 MiB`));
    const partsDone = Number(/parts +(\d+)\/25/.exec(first!)?.[1]);
    expect(partsDone).toBeGreaterThanOrEqual(killed.partsDoneAtSignal);
    expect(partsDone).toBeLessThan(25);
    expect(first).toMatch(new RegExp(`bytes +.* \\(${partsDone * 1024 * 1024} of \\d+\\)`));
    expect(second).toMatch(new RegExp(`^file://${complete}\\n {2}status +completed, for the current tape\\n {2}parts +7/7 of 4 MiB \\(100%\\)`));

    // A new recording leaves both uploads behind: they belong to the old tape now.
    fs.writeFileSync(path.join(dir, "new.txt"), "new");
    expect((await runTartape(["record", dir, "--force"])).code).toBe(0);
    const later = await runTartape(["status", dir]);
    expect(later.out.match(/for an earlier recording of the tape/g)).toHaveLength(2);
  });

  it("asks for a recording first (exit 2)", async () => {
    const run = await runTartape(["status", path.join(root)]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^tartape: No tape is recorded at/);
  });
});
