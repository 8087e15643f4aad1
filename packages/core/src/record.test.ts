import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { IndexExistsError, UnsupportedNameError } from "./errors.js";
import { FORMAT_VERSION } from "./index/schema.js";
import { defaultIndexPath, record } from "./record.js";
import { openTape } from "./tape/tape.js";
import { collect, goldenTree, setMtime, tempDir, walk, writeFile } from "./test-util/fs.js";

/** Records `dir` with its index outside it (so the root's mtime is left alone) and returns the fingerprint. */
async function fingerprintOf(dir: string, indexPath: string): Promise<string> {
  return (await record(dir, { indexPath, overwrite: true })).fingerprint;
}

async function tapeBytes(dir: string, indexPath?: string): Promise<Buffer> {
  const tape = openTape(dir, indexPath ? { indexPath } : {});
  try {
    return await collect(tape.createReadStream());
  } finally {
    tape.close();
  }
}

/** A snapshot of a tree: every path with its kind, size, mode and mtime. */
function snapshot(dir: string): string[] {
  return walk(dir).map((rel) => {
    const s = fs.lstatSync(path.join(dir, rel), { bigint: true });
    return `${rel} ${s.mode} ${s.size} ${s.mtimeNs}`;
  });
}

describe("record: layout", () => {
  it("lays entries out header, content, padding; total = last end + 1024", async () => {
    const ds = path.join(tempDir(), "ds");
    writeFile(path.join(ds, "a"), "12345"); // 5 bytes: 512 header + 512 content block
    writeFile(path.join(ds, "b"), Buffer.alloc(512)); // exactly one block, no padding
    writeFile(path.join(ds, "c"), Buffer.alloc(513)); // two blocks
    writeFile(path.join(ds, "d"), ""); // header only
    fs.symlinkSync("a", path.join(ds, "e"));
    writeFile(path.join(ds, `f/${"x".repeat(101)}`), "1"); // PAX: 512 + 512 records + 512 header + 512 content
    const indexPath = path.join(tempDir(), "i.db");
    const result = await record(ds, { indexPath });
    const tape = openTape(ds, { indexPath });
    const rows = [...tape.entries()].map((e) => [e.arcPath, e.startOffset, e.dataOffset, e.endOffset]);
    expect(rows).toEqual([
      ["ds", 0, 512, 512],
      ["ds/a", 512, 1024, 1536],
      ["ds/b", 1536, 2048, 2560],
      ["ds/c", 2560, 3072, 4096],
      ["ds/d", 4096, 4608, 4608],
      ["ds/e", 4608, 5120, 5120],
      ["ds/f", 5120, 5632, 5632],
      [`ds/f/${"x".repeat(101)}`, 5632, 5632 + 1536, 5632 + 1536 + 512],
    ]);
    expect(result.totalSize).toBe(5632 + 2048 + 1024);
    expect(result.entryCount).toBe(8);
    expect(tape.totalSize).toBe(result.totalSize);
    expect(tape.entryCount).toBe(8);
    expect((await tapeBytes(ds, indexPath)).length).toBe(result.totalSize);
    tape.close();
  });

  it("the fingerprint is the SHA-256 of the format version and every header", async () => {
    const ds = path.join(tempDir(), "ds");
    writeFile(path.join(ds, "a"), "x");
    const indexPath = path.join(tempDir(), "i.db");
    const { fingerprint, totalSize } = await record(ds, { indexPath });
    const bytes = await tapeBytes(ds, indexPath);
    const headers = Buffer.concat([bytes.subarray(0, 512), bytes.subarray(512, 1024)]);
    expect(totalSize).toBe(512 + 1024 + 1024);
    expect(fingerprint).toBe(createHash("sha256").update(`${FORMAT_VERSION}\n`).update(headers).digest("hex"));
  });

  it("reports skipped special files and excluded paths", async () => {
    const ds = path.join(tempDir(), "ds");
    writeFile(path.join(ds, "a"), "x");
    writeFile(path.join(ds, ".DS_Store"), "x");
    const result = await record(ds, { indexPath: path.join(tempDir(), "i.db") });
    expect(result.excluded).toEqual([path.join(ds, ".DS_Store")]);
    expect(result.skipped).toEqual([]);
  });
});

describe("record: byte-for-byte identical to tartape 2.3.3", () => {
  it("matches the tape tartape 2.3.3 makes of the same tree", async () => {
    // Reference: the same tree (test-util goldenTree, copied with `cp -a`) recorded
    // by the Python tartape 2.3.3 (pip install tartape==2.3.3):
    //   tartape.create(d); t = tartape.get_tape(d)
    //   out.write(b"".join(e.data for e in t.play() if e.type == "file_data"))
    // 25600 bytes with this SHA-256. The tree has a file whose mtime is
    // ...00.999999999, which tartape's float seconds round up.
    const root = goldenTree(tempDir());
    const indexPath = path.join(tempDir(), "i.db");
    const result = await record(root, { indexPath });
    const bytes = await tapeBytes(root, indexPath);
    expect(bytes.length).toBe(25600);
    expect(result.totalSize).toBe(25600);
    expect(createHash("sha256").update(bytes).digest("hex")).toBe("8c689c23a5f2bf5f702c4e4e4f3556cf4fbbbcf3f642227356a8926f79d721c7");
  });
});

describe("record: the fingerprint follows the headers", () => {
  function makeTree(): { ds: string; indexPath: string } {
    const ds = path.join(tempDir(), "ds");
    writeFile(path.join(ds, "f.txt"), "hello", { mode: 0o644, mtime: 1600000000 });
    writeFile(path.join(ds, "sub/g"), "x", { mtime: 1600000000 });
    fs.symlinkSync("f.txt", path.join(ds, "l"));
    setMtime(path.join(ds, "sub"), 1600000000);
    setMtime(ds, 1600000000);
    return { ds, indexPath: path.join(tempDir(), "i.db") };
  }

  it("stays the same, with the same bytes, when nothing changed", async () => {
    const { ds, indexPath } = makeTree();
    const first = await fingerprintOf(ds, indexPath);
    const bytes1 = await tapeBytes(ds, indexPath);
    const second = await fingerprintOf(ds, indexPath);
    expect(second).toBe(first);
    expect(await tapeBytes(ds, indexPath)).toEqual(bytes1);
  });

  it("stays the same when only what no header holds changes", async () => {
    const { ds, indexPath } = makeTree();
    const before = await fingerprintOf(ds, indexPath);
    const f = path.join(ds, "f.txt");
    fs.writeFileSync(f, "HELLO"); // same size, content only...
    setMtime(f, 1600000000); // ...and the same mtime
    fs.chmodSync(f, 0o600); // no execute bit either way: the header says 0644
    fs.utimesSync(f, 1600000000, 1600000000.25); // a fraction of a second
    expect(await fingerprintOf(ds, indexPath)).toBe(before);
  });

  const mutations: Array<[string, (ds: string) => void]> = [
    ["mtime touched", (ds) => setMtime(path.join(ds, "f.txt"), 1600000001)],
    ["chmod +x", (ds) => fs.chmodSync(path.join(ds, "f.txt"), 0o744)],
    ["renamed", (ds) => fs.renameSync(path.join(ds, "f.txt"), path.join(ds, "F.txt"))],
    ["resized", (ds) => fs.appendFileSync(path.join(ds, "f.txt"), "!")],
    [
      "relinked",
      (ds) => {
        fs.unlinkSync(path.join(ds, "l"));
        fs.symlinkSync("sub/g", path.join(ds, "l"));
      },
    ],
    [
      "a file became a directory",
      (ds) => {
        fs.unlinkSync(path.join(ds, "sub/g"));
        fs.mkdirSync(path.join(ds, "sub/g"));
        setMtime(path.join(ds, "sub/g"), 1600000000);
      },
    ],
    ["a file added", (ds) => writeFile(path.join(ds, "sub/new"), "", { mtime: 1600000000 })],
    ["a file removed", (ds) => fs.unlinkSync(path.join(ds, "sub/g"))],
    ["a directory's mtime", (ds) => setMtime(path.join(ds, "sub"), 1600000005)],
    ["the root's mtime", (ds) => setMtime(ds, 1600000005)],
  ];

  for (const [name, mutate] of mutations) {
    it(`changes when a header byte would: ${name}`, async () => {
      const { ds, indexPath } = makeTree();
      const before = await fingerprintOf(ds, indexPath);
      mutate(ds);
      // Entry mtimes of parents change with adds/removes; pin them back so only the mutation counts.
      if (name !== "a directory's mtime") setMtime(path.join(ds, "sub"), 1600000000);
      if (name !== "the root's mtime") setMtime(ds, 1600000000);
      expect(await fingerprintOf(ds, indexPath)).not.toBe(before);
    });
  }
});

describe("record: the index", () => {
  it("the root's header holds its mtime as scanned, before .tartape was created in it", async () => {
    const ds = path.join(tempDir(), "ds");
    writeFile(path.join(ds, "f"), "x");
    setMtime(ds, 1000000000);
    await record(ds);
    expect(fs.existsSync(path.join(ds, ".tartape", "index.db"))).toBe(true);
    expect(fs.statSync(ds).mtimeMs).toBe(1000000000 * 1000); // .tartape (the lock's folder) is made without changing it
    const tape = openTape(ds);
    expect([...tape.entries()][0]?.mtimeNs).toBe(1000000000n * 1_000_000_000n);
    const header = (await collect(tape.createReadStream({ end: 512 }))).subarray(136, 148);
    expect(header.toString("latin1")).toBe("07346545000\0"); // 1000000000 = 0o7346545000
    expect([...tape.entries()].map((e) => e.arcPath)).toEqual(["ds", "ds/f"]); // .tartape is not in it
    expect((await tape.verify({ deep: true })).ok).toBe(true); // the root's mtime is not checked
    tape.close();
  });

  it("recorded again with overwrite, an unchanged tree gives the same fingerprint and the tartape 2.3.3 bytes", async () => {
    const root = goldenTree(tempDir());
    const first = await record(root); // the index inside: .tartape is created in the root
    expect(fs.existsSync(path.join(root, ".tartape"))).toBe(true);
    const firstBytes = await tapeBytes(root);
    expect(createHash("sha256").update(firstBytes).digest("hex")).toBe("8c689c23a5f2bf5f702c4e4e4f3556cf4fbbbcf3f642227356a8926f79d721c7");
    const again = await record(root, { overwrite: true });
    expect(again.fingerprint).toBe(first.fingerprint);
    expect((await tapeBytes(root)).equals(firstBytes)).toBe(true);
    // And again: the stamp is carried from recording to recording.
    expect((await record(root, { overwrite: true })).fingerprint).toBe(first.fingerprint);
  });

  it("an index folder made in a subdirectory the walk reaches only after making it: that directory keeps its earlier mtime, first time and again", async () => {
    const ds = path.join(tempDir(), "ds");
    writeFile(path.join(ds, "a", "b", "f"), "x");
    for (const dir of [path.join(ds, "a", "b"), path.join(ds, "a"), ds]) setMtime(dir, 1000000000);
    const untouched = await fingerprintOf(ds, path.join(tempDir(), "elsewhere.db"));
    // a/b is read (its mtime with it) when the walk reaches a, after a/b/.tartape was created: the
    // lock puts a/b's mtime back (to the millisecond), the folder stamp covers what that cannot.
    const indexPath = path.join(ds, "a", "b", ".tartape", "index.db");
    expect((await record(ds, { indexPath })).fingerprint).toBe(untouched);
    expect((await record(ds, { indexPath, overwrite: true })).fingerprint).toBe(untouched);
  });

  it("a root changed after the index folder was made gets its new mtime on the next recording", async () => {
    const ds = path.join(tempDir(), "ds");
    writeFile(path.join(ds, "f"), "x");
    setMtime(ds, 1000000000);
    const first = await record(ds);
    writeFile(path.join(ds, "g"), "y");
    fs.rmSync(path.join(ds, "g")); // the same entries, but the directory was written to
    setMtime(ds, 1100000000);
    const again = await record(ds, { overwrite: true });
    expect(again.fingerprint).not.toBe(first.fingerprint);
    const tape = openTape(ds);
    expect([...tape.entries()][0]?.mtimeNs).toBe(1100000000n * 1_000_000_000n);
    tape.close();
  });

  it("an index folder deleted and made again: the recording that makes it scans before it exists", async () => {
    const ds = path.join(tempDir(), "ds");
    writeFile(path.join(ds, "f"), "x");
    await record(ds);
    fs.rmSync(path.join(ds, ".tartape"), { recursive: true });
    setMtime(ds, 1000000000); // seconds away from now: the header's whole seconds tell the two apart
    const before = fs.statSync(ds, { bigint: true }).mtimeNs;
    const second = await record(ds);
    const tape = openTape(ds);
    expect([...tape.entries()][0]?.mtimeNs).toBe(before);
    tape.close();
    expect((await record(ds, { overwrite: true })).fingerprint).toBe(second.fingerprint);
  });

  it("tartape's own index folder is left out without being listed as excluded, also when a killed recording left it empty", async () => {
    const ds = path.join(tempDir(), "ds");
    writeFile(path.join(ds, "f"), "x");
    fs.mkdirSync(path.join(ds, ".tartape")); // what a recording killed after making the folder leaves
    expect((await record(ds)).excluded).toEqual([]);
    expect((await record(ds, { overwrite: true })).excluded).toEqual([]);
    // A .tartape folder that is not the index's (the index kept elsewhere) is excluded all the same, and said.
    const elsewhere = await record(ds, { indexPath: path.join(tempDir(), "i.db") });
    expect(elsewhere.excluded).toEqual([path.join(ds, ".tartape")]);
  });

  it("a second record needs overwrite", async () => {
    const ds = path.join(tempDir(), "ds");
    writeFile(path.join(ds, "f"), "x");
    const first = await record(ds);
    expect(first.indexPath).toBe(defaultIndexPath(ds));
    await expect(record(ds)).rejects.toBeInstanceOf(IndexExistsError);
    await expect(record(ds)).rejects.toMatchObject({ code: "INDEX_EXISTS" });
    writeFile(path.join(ds, "g"), "y");
    const second = await record(ds, { overwrite: true });
    expect(second.entryCount).toBe(3);
    const tape = openTape(ds);
    expect(tape.fingerprint).toBe(second.fingerprint);
    expect([...tape.entries()].map((e) => e.arcPath)).toEqual(["ds", "ds/f", "ds/g"]);
    tape.close();
  });

  it("overwrite is refused before the scan when an index exists (the scan can be long)", async () => {
    const ds = path.join(tempDir(), "ds");
    writeFile(path.join(ds, "f"), "x");
    await record(ds);
    // A name that would make the scan fail: the index check must come first.
    fs.writeFileSync(Buffer.concat([Buffer.from(`${ds}/`), Buffer.from([0xff])]), "x");
    await expect(record(ds)).rejects.toBeInstanceOf(IndexExistsError);
    await expect(record(ds, { overwrite: true })).rejects.toBeInstanceOf(UnsupportedNameError);
  });

  it("with indexPath outside the directory, writes nothing inside it", async () => {
    const ds = path.join(tempDir(), "ds");
    writeFile(path.join(ds, "f"), "x", { mtime: 1500000000 });
    writeFile(path.join(ds, "sub/g"), "y", { mtime: 1500000000 });
    setMtime(path.join(ds, "sub"), 1500000000);
    setMtime(ds, 1500000000);
    const before = snapshot(ds);
    const rootBefore = fs.lstatSync(ds, { bigint: true }).mtimeNs;
    const indexPath = path.join(tempDir(), "elsewhere", "nested", "tape.db");
    const result = await record(ds, { indexPath });
    expect(result.indexPath).toBe(indexPath);
    expect(fs.existsSync(indexPath)).toBe(true);
    const tape = openTape(ds, { indexPath });
    await collect(tape.createReadStream());
    await tape.verify({ deep: true });
    tape.close();
    expect(snapshot(ds)).toEqual(before);
    expect(fs.lstatSync(ds, { bigint: true }).mtimeNs).toBe(rootBefore);
    expect(fs.existsSync(path.join(ds, ".tartape"))).toBe(false);
  });

  it("an index kept inside the directory (not in .tartape) is never part of the tape", async () => {
    const ds = path.join(tempDir(), "ds");
    writeFile(path.join(ds, "f"), "x");
    const indexPath = path.join(ds, "state", "idx.db");
    await record(ds, { indexPath, excludes: [] });
    const again = await record(ds, { indexPath, excludes: [], overwrite: true });
    const tape = openTape(ds, { indexPath });
    expect([...tape.entries()].map((e) => e.arcPath)).toEqual(["ds", "ds/f", "ds/state"]);
    expect(again.excluded.map((p) => path.basename(p))).toContain("idx.db");
    // Playing writes MD5s into the index; the tape must still read.
    await collect(tape.createReadStream());
    const events = [];
    for await (const ev of tape.play()) events.push(ev.type);
    expect(events.at(-1)).toBe("tapeCompleted");
    tape.close();
  });

  it("refuses a tree with names that are not UTF-8, and writes no index", async () => {
    const ds = path.join(tempDir(), "ds");
    writeFile(path.join(ds, "f"), "x");
    fs.writeFileSync(Buffer.concat([Buffer.from(`${ds}/`), Buffer.from([0x80, 0x81])]), "x");
    await expect(record(ds)).rejects.toBeInstanceOf(UnsupportedNameError);
    expect(fs.existsSync(path.join(ds, ".tartape"))).toBe(false);
  });

  it("a recording over an index that fails leaves the earlier recording as it was", async () => {
    const ds = path.join(tempDir(), "ds");
    writeFile(path.join(ds, "f"), "x");
    const first = await record(ds);
    fs.writeFileSync(Buffer.concat([Buffer.from(`${ds}/`), Buffer.from([0x80, 0x81])]), "x");
    await expect(record(ds, { overwrite: true })).rejects.toBeInstanceOf(UnsupportedNameError);
    const tape = openTape(ds);
    expect(tape.fingerprint).toBe(first.fingerprint);
    expect([...tape.entries()].map((e) => e.arcPath)).toEqual(["ds", "ds/f"]);
    tape.close();
  });

  it("the exclude list in force is stored", async () => {
    const ds = path.join(tempDir(), "ds");
    writeFile(path.join(ds, "a.log"), "x");
    await record(ds, { excludes: ["*.log"] });
    const tape = openTape(ds);
    expect(tape.meta.excludes).toEqual(["*.log"]);
    expect(tape.meta.root).toBe(ds);
    expect(tape.entryCount).toBe(1);
    tape.close();
  });
});
