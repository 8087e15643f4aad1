import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, patternBytes, runShell, runTartape, tempDir, writeTree } from "../../test-support/cli.js";

let root: string;
let dir: string;
let tape: Buffer;

beforeAll(async () => {
  assertBuilt();
  root = tempDir("cat");
  dir = path.join(root, "data");
  writeTree(dir, {
    "small.txt": "hello\n",
    "exact.bin": patternBytes(512, 2),
    "big.bin": patternBytes(300_000, 3),
    "nested/deeper/c.txt": "c".repeat(1000),
    "link": "->small.txt",
  });
  expect((await runTartape(["record", dir])).code).toBe(0);
  const run = await runTartape(["cat", dir]);
  expect(run.code).toBe(0);
  tape = run.stdout;
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe("tartape cat", () => {
  it("writes a TAR stream that GNU tar reads, of the size the index says", async () => {
    const ls = await runTartape(["ls", dir]);
    const last = ls.out.trim().split("\n").at(-1)!.trim().split(/\s+/);
    expect(tape.length).toBe(Number(last[3]) + 1024);
    const listed = spawnSync("tar", ["-tf", "-"], { input: tape, encoding: "utf8" });
    expect(listed.status).toBe(0);
    expect(listed.stdout.split("\n").filter(Boolean)).toEqual(["data/", "data/big.bin", "data/exact.bin", "data/link", "data/nested/", "data/nested/deeper/", "data/nested/deeper/c.txt", "data/small.txt"]);
  });

  it("writes exactly tape bytes [from, to) for slices anywhere on the tape", async () => {
    const size = tape.length;
    const slices: Array<[number, number]> = [
      [0, 1],
      [0, 512],
      [100, 600],
      [511, 513],
      [1024, 250_000],
      [size - 1024, size],
      [size - 1, size],
      [700, 700],
      [size, size],
    ];
    for (const [from, to] of slices) {
      const run = await runTartape(["cat", dir, "--from", String(from), "--to", String(to)]);
      expect(run.code, `slice ${from}..${to}`).toBe(0);
      expect(run.stdout.equals(tape.subarray(from, to)), `slice ${from}..${to}`).toBe(true);
    }
    const tail = await runTartape(["cat", dir, "--from", String(size - 3000)]);
    expect(tail.stdout.equals(tape.subarray(size - 3000))).toBe(true);
    const head = await runTartape(["cat", dir, "--to", "777"]);
    expect(head.stdout.equals(tape.subarray(0, 777))).toBe(true);
  });

  it("ends quietly and successfully when the reader stops early (EPIPE)", async () => {
    const run = await runShell(`$TARTAPE cat "${dir}" 2>"${root}/epipe.err" | head -c 100 | wc -c; echo "status=\${PIPESTATUS[0]}"`);
    expect(run.stdout).toMatch(/^\s*100\nstatus=0\n$/);
    expect(fs.readFileSync(path.join(root, "epipe.err"), "utf8")).toBe("");
  });

  it.each([
    [["--from", "abc"], /^tartape: Invalid --from 'abc': it is not a whole number\. Use a whole number of bytes, 0 or more\.\n$/],
    [["--from", "-5"], /^tartape: Invalid --from '-5': it is negative\./],
    [["--to", "1.5"], /^tartape: Invalid --to '1\.5': it is not a whole number/],
    [["--from", "999999999"], /^tartape: --from 999999999 is outside the tape, which is \d+ bytes long\. Use a whole number from 0 to \d+\./],
    [["--to", "999999999"], /^tartape: --to 999999999 is outside the tape/],
    [["--from", "10", "--to", "5"], /^tartape: --to 5 is before --from 10/],
  ])("refuses bad offsets %j with exit 2 and writes nothing", async (flags, message) => {
    const run = await runTartape(["cat", dir, ...flags]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stdout.length).toBe(0);
  });

  it("asks for `tartape record` when the directory has no tape (exit 2)", async () => {
    const bare = path.join(root, "bare");
    fs.mkdirSync(bare);
    const run = await runTartape(["cat", bare]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^tartape: No tape is recorded at .*Run `tartape record <dir>` first\.\n$/);
  });

  it("stops with the file's name when a file changed since recording (exit 1)", async () => {
    const changing = path.join(root, "changing");
    writeTree(changing, { "f.txt": "original\n" });
    expect((await runTartape(["record", changing])).code).toBe(0);
    fs.writeFileSync(path.join(changing, "f.txt"), "changed, and longer\n");
    const run = await runTartape(["cat", changing]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^tartape: .*f\.txt changed since the tape was recorded/);
  });
});
