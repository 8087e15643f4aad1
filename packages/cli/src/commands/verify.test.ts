import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, runTartape, tempDir, writeTree } from "../../test-support/cli.js";

let root: string;
beforeAll(() => {
  assertBuilt();
  root = tempDir("verify");
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const WHOLE_SECOND = 1_700_000_000;

async function recorded(name: string): Promise<string> {
  const dir = path.join(root, name);
  writeTree(dir, { "keep.txt": "unchanged\n", "grow.txt": "short\n", "same-size.txt": "aaaa\n", "sub/x.txt": "x" });
  // A whole-second mtime can be put back exactly after an edit.
  fs.utimesSync(path.join(dir, "same-size.txt"), WHOLE_SECOND, WHOLE_SECOND);
  expect((await runTartape(["record", dir])).code).toBe(0);
  return dir;
}

describe("tartape verify", () => {
  it("says the directory matches (exit 0) when nothing changed", async () => {
    const dir = await recorded("clean");
    const run = await runTartape(["verify", dir]);
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/matches its tape: 6 entries checked/);
    const deep = await runTartape(["verify", dir, "--deep"]);
    expect(deep.code).toBe(0);
    expect(deep.out).toContain("contents read back");
  });

  it("prints each difference and exits 1", async () => {
    const dir = await recorded("changed");
    fs.writeFileSync(path.join(dir, "grow.txt"), "much longer than before\n");
    fs.rmSync(path.join(dir, "keep.txt"));
    const run = await runTartape(["verify", dir]);
    expect(run.code).toBe(1);
    expect(run.out).toContain("differs from its tape in 2 of 6 entries checked");
    expect(run.out).toMatch(/ {2}size +.*grow\.txt: recorded 6, now 24/);
    expect(run.out).toMatch(/ {2}missing +.*keep\.txt: recorded file, now nothing/);
  });

  it("finds a same-size, same-mtime content change only with --deep", async () => {
    const dir = await recorded("content");
    // Read the content hashes once, so the deep check has something to compare with.
    expect((await runTartape(["verify", dir, "--deep"])).code).toBe(0);
    const file = path.join(dir, "same-size.txt");
    fs.writeFileSync(file, "bbbb\n");
    fs.utimesSync(file, WHOLE_SECOND, WHOLE_SECOND);
    expect((await runTartape(["verify", dir])).code).toBe(0);
    const deep = await runTartape(["verify", dir, "--deep"]);
    expect(deep.code).toBe(1);
    expect(deep.out).toMatch(/ {2}content +.*same-size\.txt: recorded md5 /);
  });
});
