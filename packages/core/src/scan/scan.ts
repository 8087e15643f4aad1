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

/**
 * One child of a directory in the walk: the entry itself (key: its name), or the
 * block of what is under it (key: name + "/", `block`).
 */
interface WalkItem {
  key: string;
  name: string;
  kind: EntryKind;
  size: number;
  mtimeNs: bigint;
  mode: number;
  linkTarget: string | null;
  block: boolean;
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
  /**
   * Absolute real paths left out whatever their name (an index kept inside the
   * directory). Read as the walk goes: paths added after it started still count.
   */
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

/** Every entry of the tree in tape order, in one array (for a tree known to be small; a recording walks). */
export function scanDirectory(root: string, isExcluded: ExcludeMatcher, options: ScanOptions = {}): ScanResult {
  const walk = new TreeWalk(root, isExcluded, options);
  const entries = [...walk];
  return { root: walk.root, entries, skipped: walk.skipped, excluded: walk.excluded };
}

/** A directory being walked: its children in tape order, and where the walk is among them. */
interface Frame {
  readonly items: WalkItem[];
  next: number;
  /** The directory's archive path, and its real path followed by "/": its children's prefixes. */
  readonly arc: string;
  readonly realPrefix: string;
}

/** Put where a walked child was, once handed out. */
const DONE: WalkItem = { key: "", name: "", kind: "file", size: 0, mtimeNs: 0n, mode: 0, linkTarget: null, block: false };

/**
 * The walk of a tree, entry by entry, in tape order. It holds the children of
 * the directories on the path from the root to where it is, never the entries
 * already handed out: its memory follows the tree's depth and its widest
 * directory, not its number of entries.
 *
 * The root is checked and read when the walk is made (so its mtime and its
 * list of children are the ones before anything, such as an index folder, is
 * created in it). Names that are not UTF-8 and entries that cannot be read are
 * gathered as the walk goes and thrown, all together, when it ends; `skipped`
 * and `excluded` are complete (and sorted) then.
 */
export class TreeWalk implements Iterable<ScannedEntry> {
  /** The scanned directory with every symbolic link in its path resolved: its basename is the root's archive path. */
  readonly root: string;
  /** Special files (sockets, FIFOs, devices): never in a tape, always reported. */
  readonly skipped: SkippedEntry[] = [];
  /** Paths left out by the exclude list. */
  readonly excluded: string[] = [];
  private readonly unreadable: string[] = [];
  private readonly badNames: string[] = [];
  private firstError: unknown;
  private readonly rootEntry: ScannedEntry;
  private readonly rootItems: WalkItem[] | null;
  private readonly excludePaths: ReadonlySet<string>;
  private readonly silentPaths: ReadonlySet<string>;
  private readonly excludeWhere: (realPath: string) => boolean;

  constructor(
    root: string,
    private readonly isExcluded: ExcludeMatcher,
    options: ScanOptions = {},
  ) {
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
    this.root = absRoot;
    this.excludePaths = options.excludePaths ?? new Set<string>();
    this.silentPaths = options.silentPaths ?? new Set<string>();
    this.excludeWhere = options.excludeWhere ?? (() => false);
    this.rootEntry = {
      arcPath: path.basename(absRoot),
      realPath: absRoot,
      kind: "dir",
      size: 0,
      mtimeNs: rootStat.mtimeNs,
      mode: Number(rootStat.mode & 0o7777n),
      linkTarget: null,
    };
    this.rootItems = this.readChildren(absRoot);
  }

  *[Symbol.iterator](): Generator<ScannedEntry> {
    yield this.rootEntry;
    // Depth-first, each directory's children in order: entries come out in tape order.
    const stack: Frame[] = [];
    const root = this.root;
    // The root "/" has the archive path "", its children "/name".
    if (this.rootItems) stack.push({ items: this.rootItems, next: 0, arc: this.rootEntry.arcPath, realPrefix: root.endsWith("/") ? root : `${root}/` });
    while (stack.length > 0) {
      const frame = stack[stack.length - 1] as Frame;
      if (frame.next === frame.items.length) {
        stack.pop();
        continue;
      }
      const child = frame.items[frame.next] as WalkItem;
      frame.items[frame.next++] = DONE; // what was handed out is not held
      const real = frame.realPrefix + child.name;
      const arc = `${frame.arc}/${child.name}`;
      if (child.block) {
        // A directory's entry always comes before its block ("a" < "a/").
        const items = this.readChildren(real);
        if (items) stack.push({ items, next: 0, arc, realPrefix: `${real}/` });
      } else {
        yield { arcPath: arc, realPath: real, kind: child.kind, size: child.size, mtimeNs: child.mtimeNs, mode: child.mode, linkTarget: child.linkTarget };
      }
    }
    if (this.badNames.length > 0) throw new UnsupportedNameError(this.badNames.sort());
    if (this.unreadable.length > 0) throw new UnreadableEntryError(this.unreadable.sort(), this.firstError);
    this.skipped.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    this.excluded.sort();
  }

  /** A directory's children in tape order (see the top of this file); null when it cannot be read. */
  private readChildren(dirReal: string): WalkItem[] | null {
    let names: string[];
    try {
      // Names as strings: bytes that are not UTF-8 come back as U+FFFD. Only a directory
      // with a U+FFFD in some name is read again as bytes, to tell those apart (a Buffer
      // and a strict decode per name cost more than the rest of a name's handling).
      names = fs.readdirSync(dirReal);
      if (names.some((name) => name.includes("\uFFFD"))) {
        names = [];
        for (const raw of fs.readdirSync(dirReal, { encoding: "buffer" })) {
          try {
            names.push(utf8.decode(raw));
          } catch {
            // Still excludable by a wildcard (`*.tmp`): match the name with U+FFFD for its bad bytes.
            const shown = path.join(dirReal, raw.toString("utf8"));
            if (this.isExcluded(raw.toString("utf8"))) this.excluded.push(shown);
            else this.badNames.push(shown);
          }
        }
      }
    } catch (err) {
      this.unreadable.push(dirReal);
      this.firstError ??= err;
      return null;
    }
    const prefix = dirReal.endsWith("/") ? dirReal : `${dirReal}/`;
    const items: WalkItem[] = [];
    let high = false;
    for (const name of names) {
      const real = prefix + name;
      if (this.isExcluded(name) || this.excludePaths.has(real) || this.excludeWhere(real)) {
        if (!this.silentPaths.has(real)) this.excluded.push(real);
        continue;
      }
      let stat: fs.BigIntStats;
      try {
        stat = fs.lstatSync(real, { bigint: true });
      } catch (err) {
        this.unreadable.push(real);
        this.firstError ??= err;
        continue;
      }
      const kind = kindOf(stat);
      if (kind === "file" && checkReadable && !isReadable(real)) {
        // Found now, not when the upload opens it hours later (listed with the other unreadable entries).
        this.unreadable.push(real);
        this.firstError ??= readError(real);
        continue;
      }
      if (kind === "file" || kind === "dir") {
        items.push(walkItem(name, stat, kind, null));
        if (kind === "dir") items.push({ key: `${name}/`, name, kind, size: 0, mtimeNs: 0n, mode: 0, linkTarget: null, block: true });
      } else if (kind === "symlink") {
        let target: string;
        try {
          const rawTarget = fs.readlinkSync(real, { encoding: "buffer" });
          target = utf8.decode(rawTarget);
        } catch (err) {
          if (err instanceof TypeError) this.badNames.push(`${real} (link target)`);
          else {
            this.unreadable.push(real);
            this.firstError ??= err;
          }
          continue;
        }
        items.push(walkItem(name, stat, "symlink", target));
      } else {
        this.skipped.push({ path: real, reason: kind });
        continue;
      }
      if (!high && HIGH_UTF16.test(name)) high = true;
    }
    return items.sort(high ? byUtf8 : byUtf16);
  }
}

function walkItem(name: string, stat: fs.BigIntStats, kind: EntryKind, linkTarget: string | null): WalkItem {
  return {
    key: name,
    name,
    kind,
    size: kind === "file" ? Number(stat.size) : 0,
    mtimeNs: stat.mtimeNs,
    mode: Number(stat.mode & 0o7777n),
    linkTarget,
    block: false,
  };
}
