import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { record } from "../record.js";
import { bytes, setMtimeNs, tempDir, writeFile } from "../test-util/fs.js";
import { rawTar, type RawEntry } from "../test-util/raw-tar.js";
import { fileTarget } from "../upload/file-target.js";
import { uploadTape } from "../upload/upload-tape.js";
import { RemoteFileCorruptError } from "../remote/errors.js";
import { FileSource } from "../remote/file-source.js";
import { RemoteTape, type RemoteTapeLocation } from "../remote/remote-tape.js";
import type { ObjectVersion, Source } from "../remote/source.js";
import { DiskFullError } from "../errors.js";
import { DestinationNotEmptyError } from "./errors.js";
import { restoreTape, type RestoreResult } from "./restore-tape.js";

const PART = 4096;
const LONG = `${"d".repeat(120)}/${"n".repeat(110)}.txt`;
const LONG_TARGET = `${"t".repeat(150)}/target`;

/** Every kind of entry a tape holds: big and small files, empty dirs, symlinks, PAX names and targets, old mtimes. */
function sourceTree(): string {
  const root = path.join(tempDir(), "ds");
  writeFile(path.join(root, "small.txt"), "hello\n", { mtime: 1_600_000_000 });
  writeFile(path.join(root, "empty"), "");
  writeFile(path.join(root, "big.bin"), bytes(5 * PART + 100, 7));
  writeFile(path.join(root, LONG), "long name\n");
  writeFile(path.join(root, "sub/exec.sh"), "#!/bin/sh\n", { mode: 0o755 });
  writeFile(path.join(root, "old.txt"), "from 1969\n");
  // A Date: Node's utimes reads a negative number as "now".
  fs.utimesSync(path.join(root, "old.txt"), new Date(-86_400 * 200 * 1000), new Date(-86_400 * 200 * 1000));
  for (let i = 0; i < 30; i++) writeFile(path.join(root, "many", `f${String(i).padStart(2, "0")}`), `file ${i}\n`.repeat(i));
  fs.mkdirSync(path.join(root, "empty-dir"));
  fs.utimesSync(path.join(root, "empty-dir"), new Date(-1_000_000), new Date(-1_000_000));
  fs.symlinkSync("small.txt", path.join(root, "link"));
  fs.symlinkSync(LONG_TARGET, path.join(root, "long-link"));
  fs.lutimesSync(path.join(root, "link"), 1_500_000_000, 1_500_000_000);
  for (const dir of ["sub", "many", path.dirname(LONG)]) fs.utimesSync(path.join(root, dir), 1_400_000_000, 1_400_000_000);
  return root;
}

async function uploaded(root = sourceTree()): Promise<{ root: string; file: string; location: RemoteTapeLocation }> {
  await record(root);
  const file = path.join(tempDir(), "tape.tar");
  await uploadTape(root, fileTarget(file, { partSize: PART }), { concurrency: 3 });
  return { root, file, location: { tape: new FileSource(file), catalog: new FileSource(`${file}.tartape-catalog`) } };
}

/** What a user would compare: kinds, the modes a tape keeps, whole-second mtimes, contents, link targets. */
function snapshot(dir: string, skipRootMtime = true): Map<string, string> {
  const out = new Map<string, string>();
  const visit = (full: string, rel: string): void => {
    const stat = fs.lstatSync(full);
    const mtime = rel === "" && skipRootMtime ? "-" : String(Math.floor(stat.mtimeMs / 1000));
    if (stat.isSymbolicLink()) out.set(rel, `link ${fs.readlinkSync(full)} ${mtime}`);
    else if (stat.isDirectory()) {
      out.set(rel, `dir ${mtime}`);
      for (const name of fs.readdirSync(full).sort()) if (name !== ".tartape") visit(path.join(full, name), rel === "" ? name : `${rel}/${name}`);
    } else {
      const mode = stat.mode & 0o111 ? "755" : "644";
      out.set(rel, `file ${mode} ${mtime} ${createHash("sha256").update(fs.readFileSync(full)).digest("hex")} ${(stat.mode & 0o777).toString(8)}`);
    }
  };
  visit(dir, "");
  return out;
}

/** The tape source, counting the bytes of content reads (not the small reads of the catalog) and calling `onRead` with their number. */
function countingSource(inner: Source, onRead: (reads: number) => void): { source: Source; bytes: () => number } {
  let reads = 0;
  let total = 0;
  const source: Source = {
    id: inner.id,
    stat: (signal) => inner.stat(signal),
    async read(start: number, end: number, version: ObjectVersion, signal?: AbortSignal) {
      total += end - start;
      onRead(++reads);
      return inner.read(start, end, version, signal);
    },
  };
  return { source, bytes: () => total };
}

function tarLocation(entries: readonly RawEntry[]): RemoteTapeLocation {
  const file = path.join(tempDir(), "crafted.tar");
  fs.writeFileSync(file, rawTar(entries));
  return { tape: new FileSource(file), catalog: null };
}

describe("restoreTape from a tape with its catalog", () => {
  it("gives back the tree: contents, modes, mtimes (pre-1970 too), empty dirs, symlinks, PAX long names and targets", async () => {
    const { root, location } = await uploaded();
    const dest = path.join(tempDir(), "out");
    const result = await restoreTape(location, dest, { concurrency: 3, rangeSize: 3000 });
    expect(result.refused).toEqual([]);
    expect(result.verified).toBe(true);
    expect(snapshot(path.join(dest, "ds"))).toEqual(snapshot(root));
    expect(fs.readdirSync(dest)).toEqual(["ds"]);
    expect(fs.lstatSync(path.join(dest, "ds/empty-dir")).mtimeMs).toBe(-1_000_000);
    expect(fs.lstatSync(path.join(dest, "ds/old.txt")).mtimeMs).toBe(-86_400 * 200 * 1000);
  });

  it("--only restores the subtree and fetches only its files' bytes", async () => {
    const { location } = await uploaded();
    const dest = path.join(tempDir(), "out");
    const result = await restoreTape(location, dest, { only: ["ds/many"] });
    expect(fs.readdirSync(path.join(dest, "ds"))).toEqual(["many"]);
    expect(fs.readdirSync(path.join(dest, "ds/many"))).toHaveLength(30);
    const manyBytes = Array.from({ length: 30 }, (_, i) => `file ${i}\n`.repeat(i).length).reduce((a, b) => a + b, 0);
    expect(result.bytes).toBe(manyBytes);
    // Only headers and padding between the chosen files come along.
    expect(result.bytesFetched).toBeLessThan(manyBytes + 30 * 1024);
    await expect(restoreTape(location, path.join(tempDir(), "none"), { only: ["ds/nothing"] })).rejects.toThrow(/matches/);
  });

  it("a byte altered in storage: fails naming the file, and no file with wrong content exists under its real name", async () => {
    const { file, location } = await uploaded();
    const entries = [];
    for await (const e of (await RemoteTape.open(location)).entries()) entries.push(e);
    const big = entries.find((e) => e.path === "ds/big.bin")!;
    const stat = fs.statSync(file, { bigint: true });
    const fd = fs.openSync(file, "r+");
    const one = Buffer.alloc(1);
    fs.readSync(fd, one, 0, 1, big.dataOffset + 2 * PART + 3);
    one[0] = one[0]! ^ 0xff;
    fs.writeSync(fd, one, 0, 1, big.dataOffset + 2 * PART + 3);
    fs.closeSync(fd);
    setMtimeNs(file, stat.mtimeNs);
    const dest = path.join(tempDir(), "out");
    await expect(restoreTape(location, dest, { rangeSize: 3000 })).rejects.toThrow(RemoteFileCorruptError);
    await expect(restoreTape(location, dest, { rangeSize: 3000 })).rejects.toThrow(/ds\/big\.bin/);
    expect(fs.existsSync(path.join(dest, "ds/big.bin"))).toBe(false);
  });

  it("interrupted, then run again: the same tree, and only what was in flight is fetched twice", async () => {
    const root = sourceTree();
    writeFile(path.join(root, "huge.bin"), bytes(40 * PART, 3));
    const { location } = await uploaded(root);
    const dest = path.join(tempDir(), "out");
    const rangeSize = 2048;
    const concurrency = 3;
    const controller = new AbortController();
    const counted = countingSource(location.tape, (reads) => {
      if (reads === 40) controller.abort(new Error("stop"));
    });
    await expect(restoreTape({ ...location, tape: counted.source }, dest, { rangeSize, concurrency, signal: controller.signal })).rejects.toThrow("stop");
    const fetchedByFirst = counted.bytes();
    expect(fs.existsSync(path.join(dest, ".tartape-restore/journal"))).toBe(true);
    const second = await restoreTape(location, dest, { rangeSize, concurrency });
    expect(snapshot(path.join(dest, "ds"))).toEqual(snapshot(root));
    expect(second.entriesSkipped).toBeGreaterThan(0);
    const fresh = await restoreTape(location, path.join(tempDir(), "fresh"), { rangeSize, concurrency });
    // Fetched by both runs beyond one whole restore: at most the reads in flight or waiting at the stop.
    expect(fetchedByFirst + second.bytesFetched - fresh.bytesFetched).toBeLessThanOrEqual(concurrency * rangeSize);
    expect(fs.existsSync(path.join(dest, ".tartape-restore"))).toBe(false);
  });

  it("a rerun choosing other entries is refused (the journal names what was chosen); with overwrite it starts over", async () => {
    const root = sourceTree();
    writeFile(path.join(root, "huge.bin"), bytes(40 * PART, 3));
    const { location } = await uploaded(root);
    const dest = path.join(tempDir(), "out");
    const controller = new AbortController();
    const counted = countingSource(location.tape, (reads) => {
      if (reads === 5) controller.abort(new Error("stop"));
    });
    const options = { rangeSize: 2048, concurrency: 2 };
    await expect(restoreTape({ ...location, tape: counted.source }, dest, { ...options, only: ["ds"], signal: controller.signal })).rejects.toThrow("stop");
    await expect(restoreTape(location, dest, { ...options, only: ["ds/huge.bin"] })).rejects.toThrow(/unfinished restore of .* that chose other entries \(the only option\)/);
    const over = await restoreTape(location, dest, { ...options, only: ["ds/huge.bin"], overwrite: true });
    expect(over.files).toBe(1);
    expect(fs.readFileSync(path.join(dest, "ds/huge.bin")).equals(fs.readFileSync(path.join(root, "huge.bin")))).toBe(true);
  });

  it("a file renamed into place by a run killed before its journal said so: kept when its CRC-32 is the catalog's, fetched again when not", async () => {
    const root = path.join(tempDir(), "ds");
    writeFile(path.join(root, "big.bin"), bytes(20 * PART, 5));
    writeFile(path.join(root, "other.bin"), bytes(20 * PART, 6));
    const { location } = await uploaded(root);
    const tape = await RemoteTape.open(location);
    let ordinal = 0;
    for await (const entry of tape.entries()) {
      if (entry.path === "ds/big.bin") break;
      ordinal++;
    }
    const rerunAfter = async (inPlace: Buffer): Promise<{ fetched: number; dest: string }> => {
      const dest = path.join(tempDir(), "out");
      // What such a run leaves: the file under its real name, its partial file gone, and in the journal a prefix of it only.
      writeFile(path.join(dest, "ds/big.bin"), inPlace);
      const head = { format: 2, id: tape.tape.id, version: tape.version.version, size: tape.version.size, only: [] };
      writeFile(path.join(dest, ".tartape-restore/journal"), `${JSON.stringify(head)}\n${JSON.stringify({ p: ordinal, b: PART, c: 0 })}\n`);
      const counted = countingSource(location.tape, () => undefined);
      await restoreTape({ ...location, tape: counted.source }, dest, { rangeSize: 4 * PART });
      return { fetched: counted.bytes(), dest };
    };
    const whole = await rerunAfter(fs.readFileSync(path.join(root, "big.bin")));
    expect(whole.fetched).toBeLessThan(20 * PART + 4 * PART);
    expect(fs.readFileSync(path.join(whole.dest, "ds/big.bin")).equals(fs.readFileSync(path.join(root, "big.bin")))).toBe(true);
    const damaged = fs.readFileSync(path.join(root, "big.bin"));
    damaged[PART * 3] ^= 1;
    const redone = await rerunAfter(damaged);
    expect(redone.fetched).toBeGreaterThanOrEqual(40 * PART);
    expect(snapshot(path.join(redone.dest, "ds"))).toEqual(snapshot(root));
  });

  it("reads whose files lie in several folders: each file gets its own bytes while the writer thread is behind", async () => {
    const root = path.join(tempDir(), "ds");
    for (let d = 0; d < 12; d++) for (let f = 0; f < 40; f++) writeFile(path.join(root, `d${String(d).padStart(2, "0")}`, `f${f}`), bytes(700 + ((d * 40 + f) % 13) * 100, d * 40 + f + 1));
    const { location } = await uploaded(root);
    // Reads of about eight files, most spanning two folders; few buffers, so each one is soon used again.
    for (const concurrency of [2, 3]) {
      const dest = path.join(tempDir(), "out");
      const result = await restoreTape(location, dest, { concurrency, rangeSize: 8192 });
      expect(result.verified).toBe(true);
      expect(snapshot(path.join(dest, "ds"))).toEqual(snapshot(root));
    }
  });

  it("refuses a destination that is not empty, unless overwrite", async () => {
    const { root, location } = await uploaded();
    const dest = tempDir();
    writeFile(path.join(dest, "ds/small.txt"), "something else\n");
    await expect(restoreTape(location, dest)).rejects.toThrow(DestinationNotEmptyError);
    expect(fs.readFileSync(path.join(dest, "ds/small.txt"), "utf8")).toBe("something else\n");
    await restoreTape(location, dest, { overwrite: true });
    expect(snapshot(path.join(dest, "ds"))).toEqual(snapshot(root));
  });
});

describe("restoreTape of crafted tars (no catalog): nothing lands outside the destination", () => {
  const restoreCrafted = async (entries: RawEntry[]): Promise<{ dest: string; outside: string; result: RestoreResult }> => {
    const parent = tempDir();
    const dest = path.join(parent, "dest");
    const result = await restoreTape(tarLocation(entries), dest);
    return { dest, outside: parent, result };
  };
  const refusedPaths = (result: RestoreResult): string[] => result.refused.map((r) => r.path);

  it("a plain tar restores, unverified", async () => {
    const { dest, result } = await restoreCrafted([
      { path: "p/", type: "5", mode: 0o755 },
      { path: "p/a.txt", type: "0", content: "alpha\n", mtime: 1_234_567_890 },
      { path: "p/l", type: "2", linkname: "a.txt" },
      { path: "p/h", type: "1", linkname: "p/a.txt" },
    ]);
    expect(result.refused).toEqual([]);
    expect(result.verified).toBe(false);
    expect(fs.readFileSync(path.join(dest, "p/a.txt"), "utf8")).toBe("alpha\n");
    expect(fs.readlinkSync(path.join(dest, "p/l"))).toBe("a.txt");
    expect(fs.statSync(path.join(dest, "p/h")).ino).toBe(fs.statSync(path.join(dest, "p/a.txt")).ino);
  });

  it("absolute paths and '..' components are refused", async () => {
    const { dest, outside, result } = await restoreCrafted([
      { path: "/tmp/tartape-abs-evil", type: "0", content: "x" },
      { path: "../evil.txt", type: "0", content: "x" },
      { path: "ok/../../evil2.txt", type: "0", content: "x" },
      { path: "fine.txt", type: "0", content: "fine" },
    ]);
    expect(refusedPaths(result)).toEqual(["/tmp/tartape-abs-evil", "../evil.txt", "ok/../../evil2.txt"]);
    expect(fs.existsSync("/tmp/tartape-abs-evil")).toBe(false);
    expect(fs.readdirSync(outside).sort()).toEqual(["crafted.tar", "dest"].filter((n) => fs.existsSync(path.join(outside, n))));
    expect(fs.readdirSync(dest)).toEqual(["fine.txt"]);
  });

  it("interrupted after refusing an entry: the rerun says the refusal again, once, and still refuses what lies beneath it", async () => {
    const big = bytes(64 * 1024, 9);
    const location = tarLocation([
      { path: "d/", type: "5" },
      { path: "d/inner", type: "2", linkname: "/etc" },
      { path: "d/inner/x.txt", type: "0", content: "through the link" },
      { path: "d/a.txt", type: "0", content: "alpha" },
      { path: "d/big.bin", type: "0", content: big },
      { path: "d/z.txt", type: "0", content: "last" },
    ]);
    const dest = path.join(tempDir(), "dest");
    const controller = new AbortController();
    const counted = countingSource(location.tape, (reads) => {
      if (reads === 8) controller.abort(new Error("stop"));
    });
    await expect(restoreTape({ ...location, tape: counted.source }, dest, { rangeSize: 4096, concurrency: 2, signal: controller.signal })).rejects.toThrow("stop");
    const rerun = await restoreTape(location, dest, { rangeSize: 4096, concurrency: 2 });
    // Both lie before a.txt, which the first run finished: the rerun skips them and says them from the journal.
    expect(refusedPaths(rerun)).toEqual(["d/inner", "d/inner/x.txt"]);
    expect(rerun.entriesSkipped).toBe(1);
    expect(fs.readFileSync(path.join(dest, "d/big.bin")).equals(big)).toBe(true);
    expect(fs.readFileSync(path.join(dest, "d/z.txt"), "utf8")).toBe("last");
    expect(fs.readdirSync(path.join(dest, "d")).sort()).toEqual(["a.txt", "big.bin", "z.txt"]);
  });

  it("a symlink the tape made, then a file beneath it: the file is refused (CVE-2021-32803)", async () => {
    const { dest, result } = await restoreCrafted([
      { path: "d/", type: "5" },
      { path: "d/inner", type: "2", linkname: "." },
      { path: "d/inner/x.txt", type: "0", content: "through the link" },
    ]);
    expect(refusedPaths(result)).toEqual(["d/inner/x.txt"]);
    expect(fs.existsSync(path.join(dest, "d/x.txt"))).toBe(false);
  });

  it("a symlink escaping the destination, then a write through it: both refused", async () => {
    const { outside, result } = await restoreCrafted([
      { path: "esc", type: "2", linkname: "../" },
      { path: "esc/pwned.txt", type: "0", content: "x" },
      { path: "abs", type: "2", linkname: "/tmp" },
      { path: "abs/pwned.txt", type: "0", content: "x" },
    ]);
    expect(refusedPaths(result)).toEqual(["esc", "esc/pwned.txt", "abs", "abs/pwned.txt"]);
    expect(fs.existsSync(path.join(outside, "pwned.txt"))).toBe(false);
    expect(fs.existsSync("/tmp/pwned.txt")).toBe(false);
  });

  it("a hardlink to a file outside the destination is refused", async () => {
    const parent = tempDir();
    const secret = path.join(parent, "secret.txt");
    fs.writeFileSync(secret, "secret");
    const dest = path.join(parent, "dest");
    const result = await restoreTape(tarLocation([
      { path: "h1", type: "1", linkname: "../secret.txt" },
      { path: "h2", type: "1", linkname: secret },
    ]), dest);
    expect(refusedPaths(result)).toEqual(["h1", "h2"]);
    expect(fs.readdirSync(dest)).toEqual([]);
    expect(fs.statSync(secret).nlink).toBe(1);
  });

  it("device and FIFO entries are refused", async () => {
    const { dest, result } = await restoreCrafted([
      { path: "dev", type: "3" },
      { path: "fifo", type: "6" },
    ]);
    expect(refusedPaths(result)).toEqual(["dev", "fifo"]);
    expect(fs.readdirSync(dest)).toEqual([]);
  });

  it("10,000-deep nesting is refused past the depth limit; a huge PAX record stops the read", async () => {
    const deep = Array(10_000).fill("a").join("/");
    const { dest, result } = await restoreCrafted([{ path: "x", type: "0", content: "deep", pax: { path: deep } }]);
    expect(result.refused[0]!.reason).toMatch(/deep|longer/);
    expect(fs.readdirSync(dest)).toEqual([]);
    const huge = tarLocation([{ path: "y", type: "0", content: "x", pax: { comment: "z".repeat(2 * 1024 * 1024) } }]);
    await expect(restoreTape(huge, path.join(tempDir(), "dest"))).rejects.toThrow(/extended header/);
  });
});

/** Root may mount a small tmpfs: a disk that fills up for real. */
function tmpfs(sizeBytes: number): string | null {
  if (process.getuid?.() !== 0) return null;
  const dir = tempDir("tartape-full-");
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", `size=${sizeBytes}`, "tmpfs", dir], { stdio: "ignore" });
    return dir;
  } catch {
    return null;
  }
}

describe("restoreTape onto a full disk", () => {
  // Mounted before the tests, not when they are collected: a run that filters them out mounts nothing.
  let disk: string | null = null;
  beforeAll(() => {
    disk = tmpfs(4 * 1024 * 1024);
  });
  afterAll(() => {
    if (disk !== null) execFileSync("umount", [disk]);
  });

  it("stops with a typed error saying so; after space is freed, the rerun resumes and completes", async (ctx) => {
    if (disk === null) ctx.skip();
    const root = path.join(tempDir(), "ds");
    for (let i = 0; i < 6; i++) writeFile(path.join(root, `f${i}.bin`), bytes(400 * 1024, i + 1));
    const { location } = await uploaded(root);
    const filler = path.join(disk!, "filler");
    fs.writeFileSync(filler, Buffer.alloc(3 * 1024 * 1024));
    const dest = path.join(disk!, "out");
    const failure = await restoreTape(location, dest, { rangeSize: 64 * 1024 }).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(DiskFullError);
    expect((failure as DiskFullError).code).toBe("DISK_FULL");
    expect((failure as Error).message).toMatch(/^No space left on the device holding .*out \(the restore's destination\)\. Free some space there and run the same command again/);
    fs.rmSync(filler);
    const rerun = await restoreTape(location, dest, { rangeSize: 64 * 1024 });
    expect(rerun.entriesSkipped).toBeGreaterThan(0);
    expect(snapshot(path.join(dest, "ds"))).toEqual(snapshot(root));
  });
});

describe("restoreTape: owners and setuid, setgid and sticky bits only when asked", () => {
  const running = { uid: process.getuid?.() ?? -1, gid: process.getgid?.() ?? -1 };
  const isRoot = running.uid === 0;
  const special: RawEntry[] = [
    { path: "d/", type: "5", mode: 0o1777, uid: 1234, gid: 2345 },
    { path: "d/suid", type: "0", content: "#!/bin/sh\n", mode: 0o4755, uid: 1234, gid: 2345 },
    { path: "d/sgid", type: "0", content: "x", mode: 0o2750, uid: 1235, gid: 2346 },
    { path: "d/link", type: "2", linkname: "suid", uid: 1236, gid: 2347 },
  ];
  const modeAndOwner = (file: string): string => {
    const stat = fs.lstatSync(file);
    return `${(stat.mode & 0o7777).toString(8)} ${stat.uid}:${stat.gid}`;
  };

  it("without sameOwner and keepSpecialBits: the special bits are cleared and everything belongs to the user restoring", async () => {
    const dest = path.join(tempDir(), "dest");
    const result = await restoreTape(tarLocation(special), dest);
    expect(result.refused).toEqual([]);
    const own = `${running.uid}:${running.gid}`;
    expect(modeAndOwner(path.join(dest, "d"))).toBe(`777 ${own}`);
    expect(modeAndOwner(path.join(dest, "d/suid"))).toBe(`755 ${own}`);
    expect(modeAndOwner(path.join(dest, "d/sgid"))).toBe(`750 ${own}`);
    expect(fs.lstatSync(path.join(dest, "d/link")).uid).toBe(running.uid);
  });

  it("keepSpecialBits restores setuid, setgid and sticky bits", async () => {
    const dest = path.join(tempDir(), "dest");
    await restoreTape(tarLocation(special), dest, { keepSpecialBits: true });
    const own = `${running.uid}:${running.gid}`;
    expect(modeAndOwner(path.join(dest, "d"))).toBe(`1777 ${own}`);
    expect(modeAndOwner(path.join(dest, "d/suid"))).toBe(`4755 ${own}`);
    expect(modeAndOwner(path.join(dest, "d/sgid"))).toBe(`2750 ${own}`);
  });

  it.runIf(isRoot)("sameOwner (as root) gives files, folders and links the ids their headers hold; with keepSpecialBits, setuid survives the chown", async () => {
    const dest = path.join(tempDir(), "dest");
    await restoreTape(tarLocation(special), dest, { sameOwner: true, keepSpecialBits: true });
    expect(modeAndOwner(path.join(dest, "d"))).toBe("1777 1234:2345");
    expect(modeAndOwner(path.join(dest, "d/suid"))).toBe("4755 1234:2345");
    expect(modeAndOwner(path.join(dest, "d/sgid"))).toBe("2750 1235:2346");
    const link = fs.lstatSync(path.join(dest, "d/link"));
    expect(`${link.uid}:${link.gid}`).toBe("1236:2347");
  });

  it.runIf(isRoot)("sameOwner without keepSpecialBits: owners given, special bits still cleared", async () => {
    const dest = path.join(tempDir(), "dest");
    await restoreTape(tarLocation(special), dest, { sameOwner: true });
    expect(modeAndOwner(path.join(dest, "d/suid"))).toBe("755 1234:2345");
    expect(modeAndOwner(path.join(dest, "d"))).toBe("777 1234:2345");
  });

  it.runIf(isRoot)("a tape tartape made gives every entry to root with sameOwner: its headers all say 0", async () => {
    const { location } = await uploaded();
    const dest = path.join(tempDir(), "out");
    await restoreTape(location, dest, { sameOwner: true });
    expect(modeAndOwner(path.join(dest, "ds/sub/exec.sh"))).toBe("755 0:0");
  });

  it.runIf(!isRoot)("sameOwner is refused when not running as root, before anything is written", async () => {
    const dest = path.join(tempDir(), "dest");
    await expect(restoreTape(tarLocation(special), dest, { sameOwner: true })).rejects.toThrow(/Only root/);
    expect(fs.existsSync(dest)).toBe(false);
  });
});
