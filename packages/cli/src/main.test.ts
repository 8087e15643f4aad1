import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI_PATH, assertBuilt, runTartape, tempDir } from "../test-support/cli.js";

let root: string;
beforeAll(() => {
  assertBuilt();
  root = tempDir("main");
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe("tartape (usage and error reporting)", () => {
  it("prints help with the exit codes (exit 0)", async () => {
    const run = await runTartape(["--help"]);
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/Usage: tartape \[options\] \[command\]/);
    for (const command of ["record", "cat", "ls", "verify", "upload", "status", "abort", "demo"]) expect(run.out).toContain(`  ${command} `);
    expect(run.out).toContain("Exit codes:");
  });

  it("prints its version", async () => {
    const run = await runTartape(["--version"]);
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it.each([
    [["bogus"], /^tartape: unknown command 'bogus'/],
    [["verfy", "."], /^tartape: unknown command 'verfy'\n\(Did you mean verify\?\)/],
    [["cat"], /^tartape: missing required argument 'dir'/],
    [["cat", ".", "--what"], /^tartape: unknown option '--what'/],
    [["upload", "."], /^tartape: missing required argument 'url'/],
    [["cat", ".", "--from"], /^tartape: option '--from <offset>' argument missing/],
  ])("usage error %j exits 2 with `tartape: ...`", async (args, message) => {
    const run = await runTartape(args, { cwd: root });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });

  it("prints stack traces only with --debug or TARTAPE_DEBUG=1", async () => {
    const missing = path.join(root, "missing");
    const plain = await runTartape(["ls", missing]);
    expect(plain.stderr).toBe(`tartape: ${missing} does not exist. Check the path and try again.\n`);
    const debug = await runTartape(["ls", missing, "--debug"]);
    expect(debug.code).toBe(2);
    expect(debug.stderr).toMatch(/^tartape: .* does not exist.*\n\[SOURCE_NOT_FOUND\] SourceNotFoundError: .*\n\s+at /);
    const env = await runTartape(["ls", missing], { env: { TARTAPE_DEBUG: "1" } });
    expect(env.stderr).toMatch(/\n\s+at /);
  });

  it("says how to build it when the CLI has not been built (the bin exists from install on)", () => {
    const bin = path.join(root, "unbuilt", "bin");
    fs.mkdirSync(bin, { recursive: true });
    fs.copyFileSync(CLI_PATH, path.join(bin, "tartape.cjs"));
    const run = spawnSync(process.execPath, [path.join(bin, "tartape.cjs"), "--version"], { encoding: "utf8" });
    expect(run.status).toBe(2);
    expect(run.stderr).toBe("tartape: the CLI is not built yet. Run `pnpm build` in the tartape checkout, then try again.\n");
  });

  it("starts Node with the young generation capped when run as a program (the bin's shebang)", () => {
    // What the command's own process was started with, printed before the CLI loads.
    const preload = path.join(root, "print-exec-argv.cjs");
    fs.writeFileSync(preload, "process.stderr.write(JSON.stringify(process.execArgv) + '\\n');\n");
    const run = spawnSync(CLI_PATH, ["--version"], {
      encoding: "utf8",
      env: { ...process.env, PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ""}`, NODE_OPTIONS: `--require ${preload}` },
    });
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stderr.split("\n")[0] ?? "")).toEqual(["--max-semi-space-size=8"]);
  });

  it("refuses a Node.js older than 22 with one line, before loading anything that could crash it", () => {
    const fakeOld = `Object.defineProperty(process, "versions", { value: { ...process.versions, node: "20.1.0" } }); process.argv = [process.argv[0], "tartape", "--version"]; require(${JSON.stringify(CLI_PATH)});`;
    const run = spawnSync(process.execPath, ["-e", fakeOld], { encoding: "utf8" });
    expect(run.status).toBe(2);
    expect(run.stderr).toBe("tartape: needs Node.js 22 or later; this is Node.js 20.1.0. Install a newer Node.js, then try again.\n");
  });

  it("names the TypeScript sources in those stack traces, not the executable's bundled chunks", async () => {
    const debug = await runTartape(["ls", path.join(root, "missing"), "--debug"]);
    expect(debug.stderr).toMatch(/\n\s+at assertDirectory \(.*\/packages\/core\/src\/tape\/tape\.ts:\d+:\d+\)/);
    expect(debug.stderr).not.toMatch(/dist\/bundle/);
  });
});
