import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, runTartape, tempDir, writeTree } from "../../test-support/cli.js";

let root: string;
let tape: string;
beforeAll(async () => {
  assertBuilt();
  root = tempDir("get");
  writeTree(path.join(root, "tree"), { "a.txt": "alpha\n", "sub/b.bin": "b".repeat(5000), "link": "->a.txt" });
  tape = path.join(root, "out", "tree.tar");
  fs.mkdirSync(path.dirname(tape));
  expect((await runTartape(["upload", path.join(root, "tree"), tape])).code).toBe(0);
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe("tartape ls / get of an uploaded tape (a local file)", () => {
  it("ls of the tape lists what ls of the directory lists; --prefix narrows both", async () => {
    const local = await runTartape(["ls", path.join(root, "tree")]);
    const remote = await runTartape(["ls", tape]);
    expect(remote.code, remote.stderr).toBe(0);
    expect(remote.out).toBe(local.out);
    const narrowLocal = await runTartape(["ls", path.join(root, "tree"), "--prefix", "tree/sub"]);
    const narrowRemote = await runTartape(["ls", `file://${tape}`, "--prefix", "tree/sub"]);
    expect(narrowRemote.out).toBe(narrowLocal.out);
    expect(narrowRemote.out.trim().split("\n")).toHaveLength(3);
  });

  it("get writes a file to stdout, or with -o beside its destination first; a symlink prints its target", async () => {
    expect((await runTartape(["get", tape, "tree/a.txt"])).out).toBe("alpha\n");
    const out = path.join(root, "b.out");
    const run = await runTartape(["get", tape, "tree/sub/b.bin", "-o", out]);
    expect(run.code, run.stderr).toBe(0);
    expect(fs.readFileSync(out, "utf8")).toBe("b".repeat(5000));
    expect(fs.readdirSync(root).filter((name) => name.includes("tartape-get"))).toEqual([]);
    expect((await runTartape(["get", tape, "tree/link"])).out).toBe("a.txt\n");
  });

  it("a catalog that cannot be used is refused, naming --no-catalog; with it, the tar headers are read", async () => {
    const copy = path.join(root, "out", "copy.tar");
    fs.copyFileSync(tape, copy);
    // The copy is another version of the object (another inode) than the catalog was written for.
    fs.copyFileSync(`${tape}.tartape-catalog`, `${copy}.tartape-catalog`);
    const refused = await runTartape(["get", copy, "tree/a.txt"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/catalog .* cannot be used: .*--no-catalog/);
    const without = await runTartape(["get", copy, "tree/a.txt", "--no-catalog"]);
    expect(without.code, without.stderr).toBe(0);
    expect(without.out).toBe("alpha\n");
    expect(without.stderr).toMatch(/--no-catalog; reading the tar headers/);
  });

  it("bad input exits 2 with one line and writes nothing: unknown path, a directory", async () => {
    const out = path.join(root, "nothing.out");
    for (const [entry, text] of [["tree/nope", /holds no entry 'tree\/nope'/], ["tree/sub", /is a directory.*--prefix tree\/sub\//]] as const) {
      const run = await runTartape(["get", tape, entry, "-o", out]);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(text);
      expect(run.stderr.trim().split("\n")).toHaveLength(1);
      expect(fs.existsSync(out)).toBe(false);
    }
  });
});
