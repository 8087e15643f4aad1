/**
 * Compatibility: tapes written to a file are extracted by GNU tar, bsdtar,
 * 7-Zip and Python's tarfile, and each extracted tree must be identical to the
 * source: names, contents, symlink targets, execute bits, mtimes (whole
 * seconds) wherever the tool restores them. One tree stays within tartape's
 * limits (plain ustar); one goes beyond them (PAX records).
 *
 * The tools are required: a missing one fails the test with the command that
 * installs it (CI installs them), it is never skipped.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { beforeAll, describe, expect, it } from "vitest";
import { record } from "./record.js";
import { openTape } from "./tape/tape.js";
import { bytes, setMtime, setMtimeNs, tempDir, walk, writeFile } from "./test-util/fs.js";

interface Tool {
  readonly name: string;
  /** Command that installs the tool on Debian/Ubuntu (as CI does). */
  readonly install: string;
  /** The executable, found on PATH; null when it is missing. */
  bin: string | null;
  readonly extract: (bin: string, tarFile: string, outDir: string) => string[];
  /** Whether the tool sets a symbolic link's own mtime (Python's tarfile does not). */
  readonly symlinkMtime: boolean;
}

const PYTHON_EXTRACT = [
  "import sys, tarfile",
  "t = tarfile.open(sys.argv[1])",
  // Python 3.12+ filters extraction; the trees hold links with '..' that stay inside them.
  "kw = {'filter': 'fully_trusted'} if hasattr(tarfile, 'fully_trusted_filter') else {}",
  "t.extractall(sys.argv[2], **kw)",
].join("\n");

const TOOLS: Tool[] = [
  {
    name: "GNU tar",
    install: "apt-get install -y tar",
    bin: null,
    // The tape is in byte-wise path order, so a directory's entries are not all right
    // after it ("a", "a b", "a-b", "a/x"); GNU tar sets a directory's mtime as soon as
    // it sees an entry outside it, and writing into it later changes it again, unless
    // told to wait until the end.
    extract: (bin, tar, out) => [bin, "--delay-directory-restore", "-xf", tar, "-C", out],
    symlinkMtime: true,
  },
  {
    name: "bsdtar",
    install: "apt-get install -y libarchive-tools",
    bin: null,
    extract: (bin, tar, out) => [bin, "-xpf", tar, "-C", out],
    symlinkMtime: true,
  },
  {
    name: "7-Zip",
    install: "apt-get install -y 7zip",
    bin: null,
    // -snld: 7-Zip refuses every link whose target has '..' (even GNU tar's own archives)
    // unless told to allow it; it is a policy of 7-Zip, not a property of the tape.
    extract: (bin, tar, out) => [bin, "x", "-snld", "-y", `-o${out}`, tar],
    symlinkMtime: true,
  },
  {
    name: "Python tarfile",
    install: "apt-get install -y python3",
    bin: null,
    extract: (bin, tar, out) => [bin, "-c", PYTHON_EXTRACT, tar, out],
    symlinkMtime: false,
  },
];

function runs(bin: string, args: string[], expect?: RegExp): boolean {
  const r = spawnSync(bin, args, { encoding: "utf8" });
  if (r.error) return false;
  return expect ? expect.test(`${r.stdout}${r.stderr}`) : true;
}

function findTools(): void {
  const find = (tool: Tool, candidates: Array<[string, string[], RegExp?]>) => {
    for (const [bin, args, re] of candidates) if (runs(bin, args, re)) return void (tool.bin = bin);
  };
  find(TOOLS[0] as Tool, [
    ["tar", ["--version"], /GNU tar/],
    ["gtar", ["--version"], /GNU tar/],
  ]);
  find(TOOLS[1] as Tool, [["bsdtar", ["--version"], /libarchive/]]);
  find(TOOLS[2] as Tool, [
    ["7zz", ["i"], /7-Zip/],
    ["7z", ["i"], /7-Zip/],
  ]);
  find(TOOLS[3] as Tool, [["python3", ["-c", "import tarfile"]]]);
}

/** Builds the tree within tartape's limits; every mtime a distinct whole second. */
function withinLimits(parent: string): string {
  const root = path.join(parent, "within");
  const p = (rel: string) => path.join(root, rel);
  writeFile(p("a b/c d.txt"), "spaces\n");
  writeFile(p("ü/日本語/😀.txt"), "unicode ✓\n");
  writeFile(p("c".repeat(100)), "100-byte component\n");
  // A directory of 99 bytes: with its slash, a 100-byte ustar name (100 would need PAX).
  writeFile(p(`${"d".repeat(99)}/inner.txt`), "inside a 99-byte directory\n");
  // "within/" + 90 + 1 + 57 + 1 + 99 = 255 bytes: needs the prefix split.
  writeFile(p(`${"q".repeat(90)}/${"r".repeat(57)}/${"s".repeat(99)}`), "255-byte path\n");
  writeFile(p("empty"), "");
  fs.mkdirSync(p("empty dir"));
  writeFile(p("run.sh"), "#!/bin/sh\necho hi\n", { mode: 0o755 });
  writeFile(p("owner-exec"), "x", { mode: 0o700 });
  writeFile(p("private"), "y", { mode: 0o600 });
  writeFile(p("big.bin"), bytes(300_000, 11)); // over the small-file limit
  // Names that sort around '/': a, "a b", a-b, a.b, a/x, a0.
  for (const f of ["a/x", "a-b", "a.b", "a0", "a b/x"]) writeFile(p(f), `${f}\n`);
  fs.linkSync(p("a-b"), p("hard-a-b"));
  fs.symlinkSync("a b/c d.txt", p("link-file"));
  fs.symlinkSync("ü", p("link-dir"));
  fs.symlinkSync("../a b", p("a/up")); // '..' but inside the tree
  fs.symlinkSync("nowhere", p("dangling"));
  stampMtimes(root, 1_500_000_000);
  return root;
}

/** Builds the tree beyond tartape's limits: PAX path, linkpath, mtime. */
function beyondLimits(parent: string): string {
  const root = path.join(parent, "beyond");
  const p = (rel: string) => path.join(root, rel);
  const deep = Array.from({ length: 7 }, (_, i) => `seg${i}_${"x".repeat(40)}`).join("/"); // 321 bytes
  writeFile(p(`${deep}/deep.txt`), "path over 255 bytes\n");
  writeFile(p(`${"f".repeat(120)}.txt`), "component over 100 bytes\n");
  writeFile(p(`${"D".repeat(150)}/in.txt`), "inside a directory with a 150-byte name\n");
  writeFile(p(`${"é".repeat(60)}.txt`), "a 124-byte UTF-8 name\n");
  writeFile(p(`p/${"n".repeat(60)}/${"m".repeat(99)}/${"o".repeat(95)}`), "no valid ustar cut\n");
  fs.symlinkSync(`${"D".repeat(150)}/in.txt`, p("long-link")); // target 157 bytes
  fs.mkdirSync(p("sub"));
  fs.symlinkSync(`../${"f".repeat(120)}.txt`, p("sub/long-up-link"));
  writeFile(p("exec"), "x", { mode: 0o755 });
  writeFile(p("old.txt"), "before 1970\n");
  writeFile(p("just-before-epoch"), "1969-12-31T23:59:59\n");
  fs.mkdirSync(p("old dir"));
  writeFile(p("old dir/f"), "in an old directory\n");
  stampMtimes(root, 1_600_000_000);
  // GNU touch: Node's utimes takes -1 to mean "now".
  setMtimeNs(p("old.txt"), -315_360_000_000_000_000n); // 1960
  setMtimeNs(p("just-before-epoch"), -1_000_000_000n);
  setMtime(p("old dir/f"), 1_600_000_100);
  setMtimeNs(p("old dir"), -86_400n * 365n * 1_000_000_000n);
  return root;
}

/** Distinct whole-second mtimes: children first, the root last. */
function stampMtimes(root: string, base: number): void {
  const all = walk(root);
  all.reverse().forEach((rel, i) => setMtime(path.join(root, rel), base + i * 61));
  setMtime(root, base - 1);
}

interface Node {
  kind: "file" | "dir" | "symlink" | "other";
  content?: string;
  target?: string;
  exec?: boolean;
  mtimeNs: bigint;
}

/** What an extraction must reproduce, for every path under `root` (the root itself as ""). */
function describeTree(root: string): Map<string, Node> {
  const out = new Map<string, Node>();
  for (const rel of ["", ...walk(root)]) {
    const full = path.join(root, rel);
    const st = fs.lstatSync(full, { bigint: true });
    const kind = st.isFile() ? "file" : st.isDirectory() ? "dir" : st.isSymbolicLink() ? "symlink" : "other";
    const node: Node = { kind, mtimeNs: st.mtimeNs };
    if (kind === "file") {
      node.content = fs.readFileSync(full).toString("base64");
      node.exec = (st.mode & 0o111n) !== 0n;
    }
    if (kind === "symlink") node.target = fs.readlinkSync(full);
    out.set(rel, node);
  }
  return out;
}

async function writeTape(dir: string, file: string): Promise<void> {
  const indexPath = path.join(tempDir(), "index.db");
  await record(dir, { indexPath });
  const tape = openTape(dir, { indexPath });
  try {
    await pipeline(tape.createReadStream(), fs.createWriteStream(file));
  } finally {
    tape.close();
  }
}

function extractAndCompare(tool: Tool, tarFile: string, source: string): void {
  if (!tool.bin) {
    throw new Error(`${tool.name} is not installed; the compatibility tests need it. Install it with: ${tool.install}`);
  }
  const out = tempDir(`compat-${tool.name.replace(/\W+/g, "-")}-`);
  const [bin, ...args] = tool.extract(tool.bin, tarFile, out);
  const r = spawnSync(bin as string, args, { encoding: "utf8" });
  expect(r.status, `${tool.name} failed:\n${r.stdout}\n${r.stderr}`).toBe(0);

  // Exactly one thing at the top: the root (no stray PAX header files).
  expect(fs.readdirSync(out)).toEqual([path.basename(source)]);
  const want = describeTree(source);
  const got = describeTree(path.join(out, path.basename(source)));
  expect([...got.keys()].sort(), `${tool.name}: the same paths`).toEqual([...want.keys()].sort());
  for (const [rel, w] of want) {
    const g = got.get(rel) as Node;
    const where = `${tool.name}: ${rel || "(root)"}`;
    expect(g.kind, where).toBe(w.kind);
    if (w.kind === "file") {
      expect(g.content, `${where} content`).toBe(w.content);
      expect(g.exec, `${where} execute bit`).toBe(w.exec);
    }
    if (w.kind === "symlink") expect(g.target, `${where} target`).toBe(w.target);
    if (w.kind !== "symlink" || tool.symlinkMtime) expect(g.mtimeNs, `${where} mtime`).toBe(w.mtimeNs);
  }
}

let within: string;
let beyond: string;
let withinTar: string;
let beyondTar: string;

beforeAll(async () => {
  findTools();
  const work = tempDir("compat-");
  within = withinLimits(path.join(work, "src1"));
  beyond = beyondLimits(path.join(work, "src2"));
  withinTar = path.join(work, "within.tar");
  beyondTar = path.join(work, "beyond.tar");
  await writeTape(within, withinTar);
  await writeTape(beyond, beyondTar);
});

describe("the test trees", () => {
  it("the first stays within ustar (no PAX header), the second needs PAX", () => {
    const hasPax = (file: string) => {
      const buf = fs.readFileSync(file);
      for (let off = 0; off + 512 <= buf.length; off += 512) if (buf[off + 156] === 0x78 && buf.subarray(off + 257, off + 262).toString() === "ustar") return true;
      return false;
    };
    expect(hasPax(withinTar)).toBe(false);
    expect(hasPax(beyondTar)).toBe(true);
  });
});

describe.each(TOOLS.map((t) => [t.name, t] as const))("%s", (_name, tool) => {
  it("extracts the tree within tartape's limits identical to the source", () => {
    extractAndCompare(tool, withinTar, within);
  });

  it("extracts the tree beyond tartape's limits (PAX) identical to the source", () => {
    extractAndCompare(tool, beyondTar, beyond);
  });
});
