/**
 * Verification: compares the disk with the index. Quick mode stats a random
 * sample; deep mode stats every entry and reads every file back.
 */
import fs from "node:fs";
import { createHash } from "../hash.js";
import type { ChangeKind } from "../errors.js";
import type { TapeIndex } from "../index/tape-index.js";
import type { TapeEntry } from "../types.js";
import { readLargeContent } from "./file-content.js";

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

async function contentDifference(index: TapeIndex, entry: TapeEntry): Promise<Difference | null> {
  const hash = createHash("md5");
  try {
    for await (const chunk of readLargeContent(entry, 0, entry.size, 1024 * 1024)) hash.update(chunk);
  } catch (err) {
    const e = err as { change?: ChangeKind; message: string };
    return { path: entry.realPath, kind: entry.kind, change: e.change ?? "content", expected: "readable", actual: e.message };
  }
  const md5 = hash.digest("hex");
  if (entry.md5 === null) index.setMd5(entry, md5);
  else if (entry.md5 !== md5) return { path: entry.realPath, kind: entry.kind, change: "content", expected: `md5 ${entry.md5}`, actual: `md5 ${md5}` };
  return null;
}

export async function verifyTape(index: TapeIndex, totalSize: number, options: VerifyOptions = {}): Promise<VerifyReport> {
  const deep = options.deep ?? false;
  const entries = deep || options.full ? index.entriesInRange(0, totalSize) : index.randomSample(options.sampleSize ?? 100);
  const differences: Difference[] = [];
  let checked = 0;
  for (const entry of entries) {
    checked++;
    const diff = statDifference(entry, entry.index === 0);
    if (diff) differences.push(diff);
    else if (deep && entry.kind === "file") {
      const content = await contentDifference(index, entry);
      if (content) differences.push(content);
    }
  }
  return { ok: differences.length === 0, deep, checked, differences };
}
