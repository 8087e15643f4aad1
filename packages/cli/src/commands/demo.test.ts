import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, runTartape, tempDir } from "../../test-support/cli.js";

let root: string;
beforeAll(() => {
  assertBuilt();
  root = tempDir("demo");
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const fingerprintOf = (out: string) => /fingerprint {2}([0-9a-f]{64})/.exec(out)?.[1];

describe("tartape demo", () => {
  it("uploads a sample directory in parts, proves the file with GNU tar and cat, and then finds it already complete", async () => {
    const run = await runTartape(["demo"], { cwd: root });
    expect(run.code).toBe(0);
    const out = path.join(root, "demo-out");
    expect(run.out).toMatch(/1\. A sample directory, .*demo-out\/sample\n {3}\d{3} files/);
    expect(run.out).toMatch(/parts +5 of 1 MiB: 5 uploaded, 0 skipped/);
    expect(run.out).toContain("ok  sample.tar is byte-for-byte the tape");
    expect(run.out).toMatch(/ok {2}GNU tar lists all \d+ entries, in tape order/);
    expect(run.out).toContain("ok  GNU tar extracts every file, folder and symlink exactly as in the source");
    expect(run.out).toContain(`Already complete: file://${out}/sample.tar holds this tape`);
    expect(run.out).toContain("Done: 5 parts uploaded the first time, 0 the second (already-complete).");

    const cat = await runTartape(["cat", path.join(out, "sample")]);
    expect(cat.stdout.equals(fs.readFileSync(path.join(out, "sample.tar")))).toBe(true);
    const ls = await runTartape(["ls", path.join(out, "sample")]);
    expect(ls.out).toMatch(/symlink .* sample\/latest-photos -> photos\/2024/);
    expect(ls.out).toContain("sample/unicode/日本語/ファイル.txt");
  });

  it("makes the same tape in any folder, at any time, and runs again from scratch", async () => {
    const first = await runTartape(["demo", "--out", "one"], { cwd: root });
    const second = await runTartape(["demo", "--out", path.join(root, "two")], { cwd: root });
    expect(first.code).toBe(0);
    expect(second.code).toBe(0);
    expect(fingerprintOf(first.out)).toMatch(/^[0-9a-f]{64}$/);
    expect(fingerprintOf(second.out)).toBe(fingerprintOf(first.out));
    expect(fs.readFileSync(path.join(root, "one", "sample.tar")).equals(fs.readFileSync(path.join(root, "two", "sample.tar")))).toBe(true);

    const rerun = await runTartape(["demo", "--out", "one"], { cwd: root });
    expect(rerun.code).toBe(0);
    expect(rerun.out).toMatch(/5 uploaded, 0 skipped/);
    expect(fingerprintOf(rerun.out)).toBe(fingerprintOf(first.out));
  });

  it("leaves everything else in --out alone", async () => {
    const out = path.join(root, "shared");
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, "keep-me.txt"), "mine");
    expect((await runTartape(["demo", "--out", out])).code).toBe(0);
    expect(fs.readFileSync(path.join(out, "keep-me.txt"), "utf8")).toBe("mine");
  });
});
