/**
 * What a start of the CLI loads: the commands that only read tapes must not
 * load the upload half of @tartape/core (driver, retries, targets), which
 * costs every start 5–10 ms for nothing (see core's tape-api.ts).
 */
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, runTartape, tempDir, writeTree } from "../test-support/cli.js";

const HOOK = pathToFileURL(path.resolve(import.meta.dirname, "../test-support/log-modules.mjs")).href;

let root: string;
let dir: string;
beforeAll(async () => {
  assertBuilt();
  root = tempDir("startup");
  dir = path.join(root, "data");
  writeTree(dir, { "a.txt": "hello\n" });
  expect((await runTartape(["record", dir])).code).toBe(0);
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

/** The URLs of the modules `tartape <args>` loaded. */
async function modulesLoaded(args: string[]): Promise<string[]> {
  const log = path.join(root, `modules-${args[0]}-${Math.random().toString(16).slice(2)}.log`);
  const run = await runTartape(args, { env: { NODE_OPTIONS: `--import ${HOOK}`, TARTAPE_MODULE_LOG: log } });
  expect(run.code, run.stderr).toBe(0);
  return fs.readFileSync(log, "utf8").trim().split("\n");
}

const UPLOAD_HALF = [/\/core\/dist\/upload\//, /\/core\/dist\/index\.js$/, /\/p-retry\//, /\/p-limit\//, /@aws-sdk|@azure|@google-cloud/];

describe("commands that read tapes", () => {
  it.each([
    [["cat", "DIR"]],
    [["ls", "DIR"]],
    [["verify", "DIR"]],
    [["record", "DIR", "--force"]],
  ])("%j loads none of the upload half", async (args) => {
    const loaded = await modulesLoaded(args.map((a) => (a === "DIR" ? dir : a)));
    // The hook saw the modules that do the work: the test would notice if it saw nothing.
    expect(loaded.some((url) => url.endsWith("/core/dist/tape-api.js"))).toBe(true);
    expect(loaded.filter((url) => UPLOAD_HALF.some((pattern) => pattern.test(url)))).toEqual([]);
  });

  it("while upload does load it (the pattern above finds what it looks for)", async () => {
    const target = path.join(root, "out.tar");
    const loaded = await modulesLoaded(["upload", dir, pathToFileURL(target).href]);
    expect(loaded.some((url) => /\/core\/dist\/upload\//.test(url))).toBe(true);
  });
});
