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

/** A directory still to be read, and its entry's index in the list once it is there. */
interface DirRef {
  real: string;
  index: number;
}

/**
 * One child of a directory in the walk: the entry itself (key: its name), or the
 * block of what is under it (key: name + "/", `block`). A directory's entry and
 * block share its `dir`.
 */
interface WalkItem {
  key: string;
  name: string;
  kind: number;
  size: number;
  mtimeNs: bigint;
  mode: number;
  linkTarget: string | null;
  dir: DirRef | null;
  block: boolean;
}

const KINDS: readonly EntryKind[] = ["file", "dir", "symlink"];
const KIND_CODE: Readonly<Record<EntryKind, number>> = { file: 0, dir: 1, symlink: 2 };

/**
 * Scanned entries in tape order, stored by column: an entry takes its name and
 * about 30 bytes, where an object per entry with its archive and real paths
 * takes hundreds. Paths are made when asked for, from the directory's archive
 * path (kept for directories only) and the name; the real path is the root's
 * followed by the archive path's tail. A recording holds every entry until the
 * scan is over, so this is most of its memory.
 */
export class ScanList {
  count = 0;
  /** Each entry's own name; the root's is its archive path. */
  readonly names: string[] = [];
  /** Index of each entry's directory; -1 for the root. */
  parents = new Int32Array(256);
  /** Archive paths of the directories, by entry index. */
  private readonly dirArcs = new Map<number, string>();
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

  /** Appends an entry; returns its index. */
  push(parent: number, name: string, kind: number, size: number, mtimeNs: bigint, mode: number, linkTarget: string | null): number {
    const i = this.count++;
    if (i === this.kinds.length) this.grow();
    this.names.push(name);
    this.parents[i] = parent;
    this.kinds[i] = kind;
    this.sizes[i] = size;
    this.mtimesNs[i] = mtimeNs;
    this.modes[i] = mode;
    if (linkTarget !== null) this.linkTargets.set(i, linkTarget);
    if (kind === KIND_CODE.dir) this.dirArcs.set(i, this.arcPath(i));
    return i;
  }

  arcPath(i: number): string {
    const parent = this.parents[i] as number;
    const name = this.names[i] as string;
    return parent < 0 ? name : `${this.dirArcs.get(parent) as string}/${name}`;
  }

  private grow(): void {
    const n = this.kinds.length * 2;
    const parents = new Int32Array(n);
    parents.set(this.parents);
    this.parents = parents;
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

  realPath(i: number, arcPath = this.arcPath(i)): string {
    return this.realPrefix + arcPath.slice(this.rootArcLength) || "/";
  }

  entry(i: number): ScannedEntry {
    return {
      arcPath: this.arcPath(i),
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
  /**
   * Absolute real paths left out without being listed as excluded: tartape's own index
   * folder and files, which the user did not ask to exclude and need not hear about.
   */
  readonly silentPaths?: ReadonlySet<string>;
  /** Further real paths to leave out (and list as excluded), e.g. an upload's own destination file inside the tree. */
  readonly excludeWhere?: ((realPath: string) => boolean) | undefined;
}

/**
 * Whether this process may open the file for reading: access(2) answers for
 * the running user, with ACLs, at the cost of one call per file. Skipped for
 * root, who may read any file.
 */
const checkReadable = process.getuid?.() !== 0;

function isReadable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

/** The error opening an unreadable file gives, for the message (EACCES, usually). */
function readError(file: string): unknown {
  try {
    fs.closeSync(fs.openSync(file, "r"));
    return new Error(`access(${file}) refused reading`);
  } catch (err) {
    return err;
  }
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
  const silentPaths = options.silentPaths ?? new Set<string>();
  const excludeWhere = options.excludeWhere ?? (() => false);

  const skipped: SkippedEntry[] = [];
  const excluded: string[] = [];
  const unreadable: string[] = [];
  const badNames: string[] = [];
  let firstError: unknown;

  const rootArc = path.basename(absRoot);
  const list = new ScanList(absRoot, rootArc);
  const item = (name: string, stat: fs.BigIntStats, kind: EntryKind, linkTarget: string | null, dir: DirRef | null): WalkItem => ({
    key: name,
    name,
    kind: KIND_CODE[kind],
    size: kind === "file" ? Number(stat.size) : 0,
    mtimeNs: stat.mtimeNs,
    mode: Number(stat.mode & 0o7777n),
    linkTarget,
    dir,
    block: false,
  });

  /** A directory's children in tape order (see the top of this file); null when it cannot be read. */
  const readChildren = (dir: DirRef): WalkItem[] | null => {
    let names: string[];
    try {
      // Names as strings: bytes that are not UTF-8 come back as U+FFFD. Only a directory
      // with a U+FFFD in some name is read again as bytes, to tell those apart (a Buffer
      // and a strict decode per name cost more than the rest of a name's handling).
      names = fs.readdirSync(dir.real);
      if (names.some((name) => name.includes("\uFFFD"))) {
        names = [];
        for (const raw of fs.readdirSync(dir.real, { encoding: "buffer" })) {
          try {
            names.push(utf8.decode(raw));
          } catch {
            // Still excludable by a wildcard (`*.tmp`): match the name with U+FFFD for its bad bytes.
            const shown = path.join(dir.real, raw.toString("utf8"));
            if (isExcluded(raw.toString("utf8"))) excluded.push(shown);
            else badNames.push(shown);
          }
        }
      }
    } catch (err) {
      unreadable.push(dir.real);
      firstError ??= err;
      return null;
    }
    const prefix = dir.real.endsWith("/") ? dir.real : `${dir.real}/`;
    const items: WalkItem[] = [];
    let high = false;
    for (const name of names) {
      const real = prefix + name;
      if (isExcluded(name) || excludePaths.has(real) || excludeWhere(real)) {
        if (!silentPaths.has(real)) excluded.push(real);
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
      if (kind === "file") {
        // Found now, not when the upload opens it hours later (listed with the other unreadable entries).
        if (checkReadable && !isReadable(real)) {
          unreadable.push(real);
          firstError ??= readError(real);
          continue;
        }
        items.push(item(name, stat, kind, null, null));
      }
      else if (kind === "dir") {
        const ref: DirRef = { real, index: -1 };
        items.push(item(name, stat, kind, null, ref));
        items.push({ key: `${name}/`, name, kind: -1, size: 0, mtimeNs: 0n, mode: 0, linkTarget: null, dir: ref, block: true });
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
        items.push(item(name, stat, "symlink", target, null));
      } else {
        skipped.push({ path: real, reason: kind });
        continue;
      }
      if (!high && HIGH_UTF16.test(name)) high = true;
    }
    return items.sort(high ? byUtf8 : byUtf16);
  };

  const rootIndex = list.push(-1, rootArc, KIND_CODE.dir, 0, rootStat.mtimeNs, Number(rootStat.mode & 0o7777n), null);
  // Depth-first, each directory's children in order: entries come out in tape order.
  interface Frame {
    items: WalkItem[];
    next: number;
    /** The directory's entry index: its children's parent. */
    parent: number;
  }
  const stack: Frame[] = [];
  const rootItems = readChildren({ real: absRoot, index: rootIndex });
  if (rootItems) stack.push({ items: rootItems, next: 0, parent: rootIndex });
  while (stack.length > 0) {
    const frame = stack[stack.length - 1] as Frame;
    if (frame.next === frame.items.length) {
      stack.pop();
      continue;
    }
    const child = frame.items[frame.next++] as WalkItem;
    if (child.block) {
      // A directory's entry always comes before its block ("a" < "a/"), so its index is known.
      const dir = child.dir as DirRef;
      const items = readChildren(dir);
      if (items) stack.push({ items, next: 0, parent: dir.index });
    } else {
      const index = list.push(frame.parent, child.name, child.kind, child.size, child.mtimeNs, child.mode, child.linkTarget);
      if (child.dir) child.dir.index = index;
    }
  }

  if (badNames.length > 0) throw new UnsupportedNameError(badNames.sort());
  if (unreadable.length > 0) throw new UnreadableEntryError(unreadable.sort(), firstError);

  skipped.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  excluded.sort();
  return { root: absRoot, list, skipped, excluded };
}
