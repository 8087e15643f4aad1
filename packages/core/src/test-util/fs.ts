/**
 * Helpers for the unit tests of this package (not built, not shipped): temporary
 * trees with exact timestamps, and ways to drain tapes and streams.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Readable } from "node:stream";
import { afterAll } from "vitest";

const made: string[] = [];
afterAll(() => {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** A new empty directory under the system temp dir, removed after the test file. */
export function tempDir(prefix = "tartape-test-"): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
  made.push(dir);
  return dir;
}

/** Writes a file (making its folders), optionally with a mode and a whole-second mtime. */
export function writeFile(file: string, content: string | Buffer, options: { mode?: number; mtime?: number } = {}): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  if (options.mode !== undefined) fs.chmodSync(file, options.mode);
  if (options.mtime !== undefined) fs.utimesSync(file, options.mtime, options.mtime);
  return file;
}

/** Sets the mtime (and atime) of a path, whole seconds, without following a symlink. */
export function setMtime(target: string, seconds: number): void {
  fs.lutimesSync(target, seconds, seconds);
}

/** Sets an exact nanosecond mtime (Node's own utimes goes through a double). GNU touch. */
export function setMtimeNs(target: string, ns: bigint): void {
  const sign = ns < 0n ? "-" : "";
  const abs = ns < 0n ? -ns : ns;
  const stamp = `@${sign}${abs / 1_000_000_000n}.${String(abs % 1_000_000_000n).padStart(9, "0")}`;
  execFileSync("touch", ["-h", "-m", "-d", stamp, target]);
}

/** Every path under `root` (depth first, children after their folder), relative, `/` separated. */
export function walk(root: string): string[] {
  const out: string[] = [];
  const visit = (rel: string) => {
    for (const name of fs.readdirSync(path.join(root, rel)).sort()) {
      const child = rel ? `${rel}/${name}` : name;
      out.push(child);
      if (fs.lstatSync(path.join(root, child)).isDirectory()) visit(child);
    }
  };
  visit("");
  return out;
}

/** Every chunk of an async iterable of buffers, concatenated. */
export async function collect(source: AsyncIterable<Buffer>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of source) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** The bytes a source yields before it fails, and the error (undefined when it did not fail). */
export async function collectUntilError(source: AsyncIterable<Buffer> | Readable): Promise<{ bytes: Buffer; error: unknown }> {
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) chunks.push(chunk);
  } catch (error) {
    return { bytes: Buffer.concat(chunks), error };
  }
  return { bytes: Buffer.concat(chunks), error: undefined };
}

export { seededRandom as random } from "../seeded-random.js";

/** Deterministic content of a given size. */
export function bytes(size: number, seed = 1): Buffer {
  const words = new Uint32Array(Math.ceil(size / 4));
  let x = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < words.length; i++) {
    // xorshift32
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    words[i] = x;
  }
  return Buffer.from(words.buffer, 0, size);
}

export const isRoot = process.getuid?.() === 0;

/**
 * A tree within tartape's limits, fully determined (names, contents, modes,
 * nanosecond mtimes), so its tape can be compared with a reference checksum.
 * Made at `<parent>/golden`; returns that path.
 */
export function goldenTree(parent: string): string {
  const root = path.join(parent, "golden");
  const p = (rel: string) => path.join(root, rel);
  const counted = Buffer.alloc(1024);
  for (let i = 0; i < 1024; i++) counted[i] = i % 256;
  writeFile(p("a/x/f.txt"), "hello\n", { mode: 0o700 });
  writeFile(p("a b/x/bin"), counted, { mode: 0o644 });
  writeFile(p("a-b"), "f\n", { mode: 0o644 });
  writeFile(p("a.b"), "g\n", { mode: 0o664 });
  writeFile(p("a0"), "h\n", { mode: 0o600 });
  writeFile(p("empty"), "", { mode: 0o644 });
  fs.mkdirSync(p("emptydir"));
  writeFile(p("ü dir/ñ/😀.txt"), "ü", { mode: 0o644 });
  writeFile(p("run.sh"), "#!/bin/sh\necho hi\n", { mode: 0o755 });
  writeFile(p("g+x"), "x", { mode: 0o610 });
  fs.symlinkSync("a/x/f.txt", p("link1"));
  fs.symlinkSync("../../nowhere", p("a/dangling"));
  fs.symlinkSync("a b", p("linkdir"));
  fs.symlinkSync("t".repeat(100), p("link100"));
  writeFile(p("c".repeat(100)), "x\n", { mode: 0o644 });
  const part = `d${"1234567890".repeat(6)}`; // 61 bytes
  writeFile(p(`${part}/${part}/${part}/f`), "deep\n", { mode: 0o644 });
  writeFile(p(`${"q".repeat(90)}/${"r".repeat(57)}/${"s".repeat(99)}`), "split\n", { mode: 0o644 }); // "golden/" + 90+1+57+1+99: 255 bytes, cut after the r's
  writeFile(p("z512"), Buffer.alloc(512), { mode: 0o644 });
  writeFile(p("z513"), Buffer.alloc(513, 1), { mode: 0o644 });
  fs.linkSync(p("a-b"), p("hard"));
  // mtimes, deepest first, the root last; one on the ...999999999 ns edge where
  // tartape's float seconds round up.
  const all = walk(root).reverse();
  for (const rel of all) setMtimeNs(p(rel), 1700000000_123456789n);
  setMtimeNs(p("a/x/f.txt"), 1600000000_500000000n);
  setMtimeNs(p("run.sh"), 1700000000_999999999n);
  setMtimeNs(p("a/x"), 1234567890_000000000n);
  setMtimeNs(p("a"), 1234567891_999999000n);
  setMtimeNs(root, 1700000000_000000000n);
  return root;
}

/** Size of the file in `mixedTree` read on the asynchronous path (above the 256 KiB small-file limit). */
export const LARGE_SIZE = 300 * 1024 + 123;

/**
 * A tree with an entry of every shape: dirs, files of sizes around block
 * edges, one large file, a PAX entry, symlinks, unicode. Made at `<parent>/mix`.
 */
export function mixedTree(parent: string): string {
  const root = path.join(parent, "mix");
  const p = (rel: string) => path.join(root, rel);
  writeFile(p("a/empty"), "");
  writeFile(p("a/one"), "1");
  writeFile(p("a/b511"), bytes(511, 2));
  writeFile(p("a/b512"), bytes(512, 3));
  writeFile(p("a/b513"), bytes(513, 4));
  writeFile(p("big.bin"), bytes(LARGE_SIZE, 5));
  writeFile(p("c/ü 😀.txt"), bytes(5000, 6), { mode: 0o755 });
  writeFile(p(`long/${"n".repeat(120)}`), bytes(700, 7)); // PAX path
  fs.mkdirSync(p("emptydir"));
  fs.symlinkSync("a/one", p("link"));
  fs.symlinkSync(`../${"t".repeat(120)}`, p("longlink")); // PAX linkpath
  writeFile(p("z/last"), bytes(1000, 8));
  return root;
}
