/**
 * Walks a directory with lstat (symlinks are never followed) and returns the
 * entries of its tape in tape order: ascending byte-wise order of the UTF-8
 * archive path. Synchronous on purpose: a walk is a long run of tiny system
 * calls, and the sync API does them several times faster than the threadpool.
 */
import fs from "node:fs";
import path from "node:path";
import { NotADirectoryError, SourceNotFoundError, UnreadableEntryError, UnsupportedNameError } from "../errors.js";
import type { EntryKind } from "../types.js";
import type { ExcludeMatcher } from "./exclude.js";

export interface ScannedEntry {
  arcPath: string;
  /** Archive path as UTF-8 bytes: the sort key. */
  arcBytes: Buffer;
  realPath: string;
  kind: EntryKind;
  size: number;
  mtimeNs: bigint;
  mode: number;
  linkTarget: string | null;
}

export interface SkippedEntry {
  path: string;
  reason: "socket" | "fifo" | "block-device" | "char-device";
}

export interface ScanResult {
  entries: ScannedEntry[];
  /** Special files (sockets, FIFOs, devices): never in a tape, always reported. */
  skipped: SkippedEntry[];
  /** Paths left out by the exclude list. */
  excluded: string[];
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

function kindOf(stat: fs.BigIntStats): EntryKind | SkippedEntry["reason"] {
  if (stat.isFile()) return "file";
  if (stat.isDirectory()) return "dir";
  if (stat.isSymbolicLink()) return "symlink";
  if (stat.isSocket()) return "socket";
  if (stat.isFIFO()) return "fifo";
  if (stat.isBlockDevice()) return "block-device";
  return "char-device";
}

export function scanDirectory(root: string, isExcluded: ExcludeMatcher): ScanResult {
  const absRoot = path.resolve(root);
  let rootStat: fs.BigIntStats;
  try {
    rootStat = fs.lstatSync(absRoot, { bigint: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") throw new SourceNotFoundError(absRoot);
    throw new UnreadableEntryError([absRoot], err);
  }
  if (!rootStat.isDirectory()) throw new NotADirectoryError(absRoot);

  const entries: ScannedEntry[] = [];
  const skipped: SkippedEntry[] = [];
  const excluded: string[] = [];
  const unreadable: string[] = [];
  const badNames: string[] = [];
  let firstError: unknown;

  const rootArc = path.basename(absRoot);
  const push = (arcPath: string, realPath: string, stat: fs.BigIntStats, kind: EntryKind, linkTarget: string | null) => {
    entries.push({
      arcPath,
      arcBytes: Buffer.from(arcPath, "utf8"),
      realPath,
      kind,
      size: kind === "file" ? Number(stat.size) : 0,
      mtimeNs: stat.mtimeNs,
      mode: Number(stat.mode & 0o7777n),
      linkTarget,
    });
  };
  push(rootArc, absRoot, rootStat, "dir", null);

  const stack: Array<{ real: string; arc: string }> = [{ real: absRoot, arc: rootArc }];
  while (stack.length > 0) {
    const dir = stack.pop() as { real: string; arc: string };
    let names: Buffer[];
    try {
      names = fs.readdirSync(dir.real, { encoding: "buffer" });
    } catch (err) {
      unreadable.push(dir.real);
      firstError ??= err;
      continue;
    }
    for (const raw of names) {
      let name: string;
      try {
        name = utf8.decode(raw);
      } catch {
        badNames.push(path.join(dir.real, raw.toString("latin1")));
        continue;
      }
      const real = path.join(dir.real, name);
      if (isExcluded(name)) {
        excluded.push(real);
        continue;
      }
      let stat: fs.BigIntStats;
      try {
        stat = fs.lstatSync(real, { bigint: true });
      } catch (err) {
        unreadable.push(real);
        firstError ??= err;
        continue;
      }
      const kind = kindOf(stat);
      const arc = `${dir.arc}/${name}`;
      if (kind === "file" || kind === "dir") {
        push(arc, real, stat, kind, null);
        if (kind === "dir") stack.push({ real, arc });
      } else if (kind === "symlink") {
        let target: string;
        try {
          const rawTarget = fs.readlinkSync(real, { encoding: "buffer" });
          target = utf8.decode(rawTarget);
        } catch (err) {
          if (err instanceof TypeError) badNames.push(`${real} (link target)`);
          else {
            unreadable.push(real);
            firstError ??= err;
          }
          continue;
        }
        push(arc, real, stat, "symlink", target);
      } else {
        skipped.push({ path: real, reason: kind });
      }
    }
  }

  if (badNames.length > 0) throw new UnsupportedNameError(badNames.sort());
  if (unreadable.length > 0) throw new UnreadableEntryError(unreadable.sort(), firstError);

  entries.sort((a, b) => Buffer.compare(a.arcBytes, b.arcBytes));
  skipped.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  excluded.sort();
  return { entries, skipped, excluded };
}
