import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { UNFINISHED_MESSAGE } from "./unfinished-guard.js";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tartape-unfinished-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Runs `body` after the guard is set, in a process of its own (its event loop is what is tested). */
function run(body: string) {
  const file = path.join(dir, `script-${Math.random().toString(36).slice(2)}.mjs`);
  fs.writeFileSync(file, `import { failIfLeftUnfinished } from ${JSON.stringify(new URL("./unfinished-guard.ts", import.meta.url).href)};\nconst finished = failIfLeftUnfinished();\n${body}\n`);
  return spawnSync(process.execPath, ["--experimental-strip-types", "--no-warnings", file], { encoding: "utf8" });
}

describe("failIfLeftUnfinished", () => {
  it("a command left awaiting a promise nothing will settle exits 1 and says so, not 0", () => {
    const child = run("new Promise(() => {}).then(finished);");
    expect(child.status).toBe(1);
    expect(child.stderr).toBe(UNFINISHED_MESSAGE);
  });

  it("a command that finishes keeps its own exit code and says nothing more", () => {
    const child = run("setTimeout(() => { process.exitCode = 0; finished(); }, 10);");
    expect(child.status).toBe(0);
    expect(child.stderr).toBe("");
  });
});
