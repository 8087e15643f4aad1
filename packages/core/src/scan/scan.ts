/**
 * Walks a directory with lstat (symlinks are never followed) and returns the
 * entries of its tape in tape order: ascending byte-wise order of the UTF-8
 * archive path. Synchronous on purpose: a walk is a long run of tiny system
 * calls, and the sync API does them several times faster than the threadpool.
 *
 * The walk produces that order directly, sorting one directory at a time: the
 * paths under a directory `d` all start with `d/`, so they form one block in
 * the global order, and that block sits among d's siblings where the key `d/`
 * sorts. So `ds/a`, `ds/a b`, `ds/a b/x`, `ds/a/x` comes from sorting the keys
 * `a`, `a/`, `a b`, `a b/` of ds's children.
 */
import fs from "node:fs";
import path from "node:path";
import { NotADirectoryError, SourceNotFoundError, UnreadableEntryError, UnsupportedNameError } from "../errors.js";
import type { EntryKind } from "../types.js";
import type { ExcludeMatcher } from "./exclude.js";

export interface ScannedEntry {
  arcPath: string;
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
  /** The scanned directory with every symbolic link in its path resolved: its basename is the root's archive path. */
  root: string;
  entries: ScannedEntry[];
  /** Special files (sockets, FIFOs, devices): never in a tape, always reported. */
  skipped: SkippedEntry[];
  /** Paths left out by the exclude list. */
  excluded: string[];
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** A directory still to be read. */
interface DirRef {
  real: string;
  arc: string;
}

/** One child of a directory in the walk: the entry itself (key: its name) or the block of what is under it (key: name + "/", with `dir`). */
interface WalkItem {
  key: string;
  arc: string;
  kind: number;
  size: number;
  mtimeNs: bigint;
  mode: number;
  linkTarget: string | null;
  dir: DirRef | null;
}

const KINDS: readonly EntryKind[] = ["file", "dir", "symlink"];
const KIND_CODE: Readonly<Record<EntryKind, number>> = { file: 0, dir: 1, symlink: 2 };

/**
 * Scanned entries in tape order, stored by column: besides its archive path an
 * entry takes about 20 bytes, where an object per entry (with its real path,
 * which is the root's followed by the archive path's tail) takes hundreds. A
 * recording holds every entry until the scan is over, so this is most of its memory.
 */
export class ScanList {
  count = 0;
  readonly arcPaths: string[] = [];
  kinds = new Uint8Array(256);
  sizes = new Float64Array(256);
  mtimesNs = new BigInt64Array(256);
  modes = new Uint16Array(256);
  /** Link targets by entry index (symlinks only). */
  readonly linkTargets = new Map<number, string>();
  /** The real path of entry `i` is this, then its archive path from `rootArcLength` on. */
  private readonly realPrefix: string;
  private readonly rootArcLength: number;

  constructor(absRoot: string, rootArc: string) {
    this.realPrefix = absRoot === "/" ? "" : absRoot; // the root "/" has the archive path "", its children "/name"
    this.rootArcLength = rootArc.length;
  }

  push(arc: string, kind: number, size: number, mtimeNs: bigint, mode: number, linkTarget: string | null): void {
    const i = this.count++;
    if (i === this.kinds.length) this.grow();
    this.arcPaths.push(arc);
    this.kinds[i] = kind;
    this.sizes[i] = size;
    this.mtimesNs[i] = mtimeNs;
    this.modes[i] = mode;
    if (linkTarget !== null) this.linkTargets.set(i, linkTarget);
  }

  private grow(): void {
    const n = this.kinds.length * 2;
    const kinds = new Uint8Array(n);
    const sizes = new Float64Array(n);
    const mtimesNs = new BigInt64Array(n);
    const modes = new Uint16Array(n);
    kinds.set(this.kinds);
    sizes.set(this.sizes);
    mtimesNs.set(this.mtimesNs);
    modes.set(this.modes);
    this.kinds = kinds;
    this.sizes = sizes;
    this.mtimesNs = mtimesNs;
    this.modes = modes;
  }

  kind(i: number): EntryKind {
    return KINDS[this.kinds[i] as number] as EntryKind;
  }

  realPath(i: number): string {
    return this.realPrefix + (this.arcPaths[i] as string).slice(this.rootArcLength) || "/";
  }

  entry(i: number): ScannedEntry {
    return {
      arcPath: this.arcPaths[i] as string,
      realPath: this.realPath(i),
      kind: this.kind(i),
      size: this.sizes[i] as number,
      mtimeNs: this.mtimesNs[i] as bigint,
      mode: this.modes[i] as number,
      linkTarget: this.linkTargets.get(i) ?? null,
    };
  }
}

export interface CompactScanResult {
  root: string;
  list: ScanList;
  skipped: SkippedEntry[];
  excluded: string[];
}

/** Code units from U+D800 up: where UTF-16 order (JS string comparison) can differ from UTF-8 byte order. */
const HIGH_UTF16 = /[\uD800-\uFFFF]/;

function byUtf16(a: WalkItem, b: WalkItem): number {
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

function byUtf8(a: WalkItem, b: WalkItem): number {
  return Buffer.compare(Buffer.from(a.key, "utf8"), Buffer.from(b.key, "utf8"));
}

function kindOf(stat: fs.BigIntStats): EntryKind | SkippedEntry["reason"] {
  if (stat.isFile()) return "file";
  if (stat.isDirectory()) return "dir";
  if (stat.isSymbolicLink()) return "symlink";
  if (stat.isSocket()) return "socket";
  if (stat.isFIFO()) return "fifo";
  if (stat.isBlockDevice()) return "block-device";
  return "char-device";
}

export interface ScanOptions {
  /** Absolute real paths left out whatever their name (an index kept inside the directory). */
  readonly excludePaths?: ReadonlySet<string>;
}

export function scanDirectory(root: string, isExcluded: ExcludeMatcher, options: ScanOptions = {}): ScanResult {
  const { list, ...rest } = scanCompact(root, isExcluded, options);
  return { ...rest, entries: Array.from({ length: list.count }, (_, i) => list.entry(i)) };
}

/** `scanDirectory`, with the entries kept compact (what a recording uses). */
export function scanCompact(root: string, isExcluded: ExcludeMatcher, options: ScanOptions = {}): CompactScanResult {
  let absRoot = path.resolve(root);
  let rootStat: fs.BigIntStats;
  try {
    // The root is followed when it is a symbolic link (tartape resolves it too): the
    // tape is of the directory, named after it.
    // The native realpath keeps the bytes of every name (the JS one decodes links as UTF-8).
    const real = fs.realpathSync.native(absRoot, { encoding: "buffer" });
    try {
      absRoot = utf8.decode(real);
    } catch {
      // Its name is part of every archive path; it cannot be changed silently either.
      throw new UnsupportedNameError([real.toString("utf8")]);
    }
    rootStat = fs.lstatSync(absRoot, { bigint: true });
  } catch (err) {
    if (err instanceof UnsupportedNameError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") throw new SourceNotFoundError(absRoot);
    throw new UnreadableEntryError([absRoot], err);
  }
  if (!rootStat.isDirectory()) throw new NotADirectoryError(absRoot);
  const excludePaths = options.excludePaths ?? new Set<string>();

  const skipped: SkippedEntry[] = [];
  const excluded: string[] = [];
  const unreadable: string[] = [];
  const badNames: string[] = [];
  let firstError: unknown;

  const rootArc = path.basename(absRoot);
  const list = new ScanList(absRoot, rootArc);
  const item = (key: string, arc: string, stat: fs.BigIntStats, kind: EntryKind, linkTarget: string | null): WalkItem => ({
    key,
    arc,
    kind: KIND_CODE[kind],
    size: kind === "file" ? Number(stat.size) : 0,
    mtimeNs: stat.mtimeNs,
    mode: Number(stat.mode & 0o7777n),
    linkTarget,
    dir: null,
  });

  /** A directory's children in tape order (see the top of this file); null when it cannot be read. */
  const readChildren = (dir: DirRef): WalkItem[] | null => {
    let names: Buffer[];
    try {
      names = fs.readdirSync(dir.real, { encoding: "buffer" });
    } catch (err) {
      unreadable.push(dir.real);
      firstError ??= err;
      return null;
    }
    const prefix = dir.real.endsWith("/") ? dir.real : `${dir.real}/`;
    const items: WalkItem[] = [];
    let high = false;
    for (const raw of names) {
      let name: string;
      try {
        name = utf8.decode(raw);
      } catch {
        // Still excludable by a wildcard (`*.tmp`): match the name with U+FFFD for its bad bytes.
        const shown = path.join(dir.real, raw.toString("utf8"));
        if (isExcluded(raw.toString("utf8"))) excluded.push(shown);
        else badNames.push(shown);
        continue;
      }
      const real = prefix + name;
      if (isExcluded(name) || excludePaths.has(real)) {
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
        items.push(item(name, arc, stat, kind, null));
        if (kind === "dir") items.push({ key: `${name}/`, arc, kind: -1, size: 0, mtimeNs: 0n, mode: 0, linkTarget: null, dir: { real, arc } });
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
        items.push(item(name, arc, stat, "symlink", target));
      } else {
        skipped.push({ path: real, reason: kind });
        continue;
      }
      if (!high && HIGH_UTF16.test(name)) high = true;
    }
    return items.sort(high ? byUtf8 : byUtf16);
  };

  list.push(rootArc, KIND_CODE.dir, 0, rootStat.mtimeNs, Number(rootStat.mode & 0o7777n), null);
  // Depth-first, each directory's children in order: entries come out in tape order.
  const stack: Array<{ items: WalkItem[]; next: number }> = [];
  const rootItems = readChildren({ real: absRoot, arc: rootArc });
  if (rootItems) stack.push({ items: rootItems, next: 0 });
  while (stack.length > 0) {
    const frame = stack[stack.length - 1] as { items: WalkItem[]; next: number };
    if (frame.next === frame.items.length) {
      stack.pop();
      continue;
    }
    const child = frame.items[frame.next++] as WalkItem;
    if (child.dir) {
      const items = readChildren(child.dir);
      if (items) stack.push({ items, next: 0 });
    } else list.push(child.arc, child.kind, child.size, child.mtimeNs, child.mode, child.linkTarget);
  }

  if (badNames.length > 0) throw new UnsupportedNameError(badNames.sort());
  if (unreadable.length > 0) throw new UnreadableEntryError(unreadable.sort(), firstError);

  skipped.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  excluded.sort();
  return { root: absRoot, list, skipped, excluded };
}
