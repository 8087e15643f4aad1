/**
 * Verification: compares the disk with the index. Quick mode stats a random
 * sample; deep mode stats every entry and reads every file back.
 */
import fs from "node:fs";
import { createHash } from "../hash.js";
import type { ChangeKind } from "../errors.js";
import type { TapeIndex } from "../index/tape-index.js";
import type { TapeEntry } from "../types.js";
import { SMALL_FILE_LIMIT, readLargeContent, readSmallContent } from "./file-content.js";

export interface VerifyOptions {
  /** Check every entry and read every file (default: a random sample, stat only). */
  readonly deep?: boolean;
  /** Entries in the quick sample (default 100). */
  readonly sampleSize?: number;
  /** Stat every entry (no content read): what an upload checks before it trusts earlier parts. */
  readonly full?: boolean;
}

export interface Difference {
  readonly path: string;
  /** What the index recorded at this path. */
  readonly kind: TapeEntry["kind"];
  readonly change: ChangeKind | "content";
  readonly expected: string;
  readonly actual: string;
}

export interface VerifyReport {
  readonly ok: boolean;
  readonly deep: boolean;
  readonly checked: number;
  readonly differences: readonly Difference[];
}

function statDifference(entry: TapeEntry, isRoot: boolean): Difference | null {
  let stat: fs.BigIntStats;
  try {
    stat = fs.lstatSync(entry.realPath, { bigint: true });
  } catch {
    return { path: entry.realPath, kind: entry.kind, change: "missing", expected: entry.kind, actual: "nothing" };
  }
  const kind = stat.isFile() ? "file" : stat.isDirectory() ? "dir" : stat.isSymbolicLink() ? "symlink" : "special";
  if (kind !== entry.kind) return { path: entry.realPath, kind: entry.kind, change: "kind", expected: entry.kind, actual: kind };
  if (entry.kind === "file" && Number(stat.size) !== entry.size) {
    return { path: entry.realPath, kind: entry.kind, change: "size", expected: String(entry.size), actual: String(stat.size) };
  }
  if (entry.kind === "symlink") {
    const target = fs.readlinkSync(entry.realPath);
    if (target !== entry.linkTarget) return { path: entry.realPath, kind: entry.kind, change: "link-target", expected: entry.linkTarget ?? "", actual: target };
  }
  // The root's mtime changes when the index folder is created in it; it is not checked.
  if (!isRoot && stat.mtimeNs !== entry.mtimeNs) {
    return { path: entry.realPath, kind: entry.kind, change: "mtime", expected: String(entry.mtimeNs), actual: String(stat.mtimeNs) };
  }
  return null;
}

/** Reads a file back and hashes it: a small one with one blocking read into `small`, a large one in chunks. */
async function contentMd5(entry: TapeEntry, small: Buffer): Promise<string> {
  const hash = createHash("md5");
  if (entry.size <= SMALL_FILE_LIMIT) {
    // A read of a few KiB costs microseconds: through the thread pool, a file at a time,
    // the hand-offs were most of the time (60% idle on 20,000 small files).
    readSmallContent(entry, 0, entry.size, small, 0, true);
    hash.update(small.subarray(0, entry.size));
  } else {
    for await (const chunk of readLargeContent(entry, 0, entry.size, 1024 * 1024)) hash.update(chunk);
  }
  return hash.digest("hex");
}

/** Content hashes read back, written to the index this many at a time (one transaction each, not one per file). */
const MD5_BATCH = 1024;

async function contentDifference(entry: TapeEntry, small: Buffer, learned: Array<[TapeEntry, string]>): Promise<Difference | null> {
  let md5: string;
  try {
    md5 = await contentMd5(entry, small);
  } catch (err) {
    const e = err as { change?: ChangeKind; message: string };
    return { path: entry.realPath, kind: entry.kind, change: e.change ?? "content", expected: "readable", actual: e.message };
  }
  if (entry.md5 === null) learned.push([entry, md5]);
  else if (entry.md5 !== md5) return { path: entry.realPath, kind: entry.kind, change: "content", expected: `md5 ${entry.md5}`, actual: `md5 ${md5}` };
  return null;
}

export async function verifyTape(index: TapeIndex, totalSize: number, options: VerifyOptions = {}): Promise<VerifyReport> {
  const deep = options.deep ?? false;
  const entries = deep || options.full ? index.entriesInRange(0, totalSize) : index.randomSample(options.sampleSize ?? 100);
  const differences: Difference[] = [];
  const small = deep ? Buffer.allocUnsafe(SMALL_FILE_LIMIT + 1) : Buffer.alloc(0);
  const learned: Array<[TapeEntry, string]> = [];
  let checked = 0;
  try {
    for (const entry of entries) {
      checked++;
      const diff = statDifference(entry, entry.index === 0);
      if (diff) differences.push(diff);
      else if (deep && entry.kind === "file") {
        const content = await contentDifference(entry, small, learned);
        if (content) differences.push(content);
        if (learned.length >= MD5_BATCH) index.setMd5s(learned.splice(0));
      }
    }
  } finally {
    index.setMd5s(learned.splice(0));
  }
  return { ok: differences.length === 0, deep, checked, differences };
}
