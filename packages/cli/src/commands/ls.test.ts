import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, runShell, runTartape, tempDir, writeTree } from "../../test-support/cli.js";

let root: string;
beforeAll(() => {
  assertBuilt();
  root = tempDir("ls");
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

interface Row {
  kind: string;
  size: number;
  start: number;
  end: number;
  path: string;
}

function parse(out: string): Row[] {
  const [header, ...lines] = out.trimEnd().split("\n");
  expect(header).toMatch(/^KIND\s+SIZE\s+START\s+END\s+PATH$/);
  return lines.map((line) => {
    const m = /^(\S+)\s+(\d+)\s+(\d+)\s+(\d+)  (.*)$/.exec(line);
    expect(m, line).not.toBeNull();
    return { kind: m![1]!, size: Number(m![2]), start: Number(m![3]), end: Number(m![4]), path: m![5]! };
  });
}

describe("tartape ls", () => {
  it("lists every entry with kind, size and start/end offsets that tile the tape", async () => {
    const dir = path.join(root, "tree");
    writeTree(dir, { "b.txt": "b".repeat(700), "a/one.txt": "1", "a b/two.txt": "22", "link": "->b.txt", "empty.txt": "" });
    fs.mkdirSync(path.join(dir, "empty-dir"));
    expect((await runTartape(["record", dir])).code).toBe(0);
    const run = await runTartape(["ls", dir]);
    expect(run.code).toBe(0);
    const rows = parse(run.out);
    // Byte-wise: ' ' (0x20) sorts before '/' (0x2f), so "a b/..." comes before "a/...".
    expect(rows.map((r) => r.path)).toEqual(["tree/", "tree/a/", "tree/a b/", "tree/a b/two.txt", "tree/a/one.txt", "tree/b.txt", "tree/empty-dir/", "tree/empty.txt", "tree/link -> b.txt"]);
    expect(rows.map((r) => r.kind)).toEqual(["dir", "dir", "dir", "file", "file", "file", "dir", "file", "symlink"]);
    expect(rows.find((r) => r.path === "tree/b.txt")).toMatchObject({ size: 700, end: expect.any(Number) });
    expect(rows[0]!.start).toBe(0);
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.start).toBe(rows[i - 1]!.end);
    for (const r of rows) expect(r.end - r.start).toBe(512 + Math.ceil(r.size / 512) * 512);
    const cat = await runTartape(["cat", dir]);
    expect(cat.stdout.length).toBe(rows.at(-1)!.end + 1024);
  });

  it("one line per entry: a newline, a tab or a backslash in a name is escaped as ls -b does", async () => {
    const dir = path.join(root, "odd-names");
    writeTree(dir, { "two\nlines.txt": "x", "tab\there": "y", "back\\slash": "z", "bell\u0007": "w" });
    expect((await runTartape(["record", dir])).code).toBe(0);
    const run = await runTartape(["ls", dir]);
    expect(run.code).toBe(0);
    expect(parse(run.out).map((r) => r.path)).toEqual(["odd-names/", "odd-names/back\\\\slash", "odd-names/bell\\007", "odd-names/tab\\there", "odd-names/two\\nlines.txt"]);
  });

  it("streams a long listing and stops quietly when the reader does", async () => {
    const dir = path.join(root, "many");
    const files: Record<string, string> = {};
    for (let i = 0; i < 3000; i++) files[`d${i % 30}/f${i}.txt`] = "x";
    writeTree(dir, files);
    expect((await runTartape(["record", dir])).code).toBe(0);
    const full = await runTartape(["ls", dir]);
    expect(full.out.trimEnd().split("\n")).toHaveLength(1 + 1 + 30 + 3000);
    const head = await runShell(`$TARTAPE ls "${dir}" 2>"${root}/ls.err" | head -n 2; echo "status=\${PIPESTATUS[0]}"`);
    expect(head.stdout).toMatch(/^KIND.*\ndir .* many\/\nstatus=0\n$/);
    expect(fs.readFileSync(path.join(root, "ls.err"), "utf8")).toBe("");
  });

  it("asks for a recording first (exit 2)", async () => {
    const run = await runTartape(["ls", root]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^tartape: No tape is recorded at /);
  });
});
