/**
 * What a start of the CLI loads: the commands that only read tapes must not
 * load the upload half of @tartape/core (driver, retries, targets) or a cloud
 * SDK, which costs every start 5–10 ms for nothing (see core's tape-api.ts).
 * Checked on the executable (the bundle) and on tsc's output it is made from.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI_PATH, assertBuilt, runTartape, tempDir, writeTree } from "../test-support/cli.js";

const HOOK = pathToFileURL(path.resolve(import.meta.dirname, "../test-support/log-modules.mjs")).href;
const TSC_BUILD = path.resolve(import.meta.dirname, "../dist/main.js");

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

/** The URLs of the modules `node <entry> <args>` loaded. */
async function modulesLoaded(entry: string, args: string[]): Promise<string[]> {
  const log = path.join(root, `modules-${args[0]}-${Math.random().toString(16).slice(2)}.log`);
  const run = await runTartape(args, { entry, env: { NODE_OPTIONS: `--import ${HOOK}`, TARTAPE_MODULE_LOG: log } });
  expect(run.code, run.stderr).toBe(0);
  return fs.readFileSync(log, "utf8").trim().split("\n");
}

const SDK = /@aws-sdk|@azure|@google-cloud/;
const BUILT_UPLOAD_HALF = [/\/core\/dist\/upload\//, /\/core\/dist\/index\.js$/, /\/p-retry\//, /\/p-limit\//, SDK];
/** In the bundle the upload half is in chunks of its own; they are known by what they define. */
const BUNDLED_UPLOAD_CODE = /^(async )?function (uploadTape|pRetry|pLimit)\(/m;

function isUploadHalf(entry: string, url: string): boolean {
  if (entry === TSC_BUILD) return BUILT_UPLOAD_HALF.some((pattern) => pattern.test(url));
  if (SDK.test(url)) return true;
  return url.startsWith("file:") && /\.c?js$/.test(url) && BUNDLED_UPLOAD_CODE.test(fs.readFileSync(fileURLToPath(url), "utf8"));
}

describe.each([
  ["the executable (bundle)", CLI_PATH],
  ["tsc's build", TSC_BUILD],
])("%s", (_name, entry) => {
  it.each([
    [["cat", "DIR"]],
    [["ls", "DIR"]],
    [["verify", "DIR"]],
    [["record", "DIR", "--force"]],
  ])("%j loads none of the upload half", async (args) => {
    const loaded = await modulesLoaded(entry, args.map((a) => (a === "DIR" ? dir : a)));
    // The hook saw the modules that do the work: the test would notice if it saw nothing.
    expect(loaded.some((url) => url.includes("/better-sqlite3/"))).toBe(true);
    expect(loaded.filter((url) => isUploadHalf(entry, url))).toEqual([]);
  });

  it("while upload does load it (the check above finds what it looks for)", async () => {
    const target = path.join(root, `out-${path.basename(entry)}.tar`);
    const loaded = await modulesLoaded(entry, ["upload", dir, pathToFileURL(target).href]);
    expect(loaded.filter((url) => isUploadHalf(entry, url)).length).toBeGreaterThan(0);
  });
});

it("the executable is a bundle: a start resolves a dozen files, not every module", async () => {
  const loaded = new Set(await modulesLoaded(CLI_PATH, ["cat", dir]));
  const ours = [...loaded].filter((url) => url.startsWith("file:") && !url.includes("/node_modules/"));
  expect(ours.filter((url) => !url.includes("/packages/cli/dist/bundle/"))).toEqual([pathToFileURL(CLI_PATH).href]);
  expect(ours.length).toBeLessThan(20);
});
