/**
 * Recording: scan a directory once (T0), lay every entry out on the tape,
 * and write the index. Offsets and the total size are known from here on
 * without reading any content.
 */
import { createHash } from "./hash.js";
import fs from "node:fs";
import path from "node:path";
import { afterCreating, beforeCreating, FOLDER_STAMP_META, parseStamp, stampAdjuster, type FolderStamp } from "./index-folder-stamp.js";
import { FORMAT_VERSION } from "./index/schema.js";
import { TapeIndex, type NewEntryRow } from "./index/tape-index.js";
import { DEFAULT_EXCLUDES, INDEX_DIR_NAME, makeExcludeMatcher } from "./scan/exclude.js";
import { TreeWalk, type ScannedEntry, type SkippedEntry } from "./scan/scan.js";
import { writeCommonHeader } from "./tar/common-header.js";
import { BLOCK_SIZE, FOOTER_SIZE, encodeHeader, paddingAfter } from "./tar/header.js";
import { mtimeSeconds } from "./tape/mtime.js";
import { LOCK_SUFFIX, withTapeLock } from "./lock/tape-lock.js";
import { indexFailure, indexIsDamaged, setDamagedIndexAside } from "./index/index-errors.js";

export interface RecordOptions {
  /** Replaces the default exclude list (names matched with shell wildcards). */
  readonly excludes?: readonly string[];
  /** Record again over an existing index (upload state in it is kept). */
  readonly overwrite?: boolean;
  /** Where to keep the index; default `<dir>/.tartape/index.db`. Use it for read-only sources. */
  readonly indexPath?: string;
  /**
   * Real paths to leave out besides the exclude list, listed as excluded: an upload's own
   * destination file and partial files inside the directory (as GNU tar skips its own archive).
   */
  readonly leaveOut?: ((realPath: string) => boolean) | undefined;
}

export interface RecordResult {
  readonly indexPath: string;
  readonly fingerprint: string;
  readonly totalSize: number;
  readonly entryCount: number;
  /** Special files left out of the tape (sockets, FIFOs, devices). */
  readonly skipped: readonly SkippedEntry[];
  /** Paths left out by the exclude list. */
  readonly excluded: readonly string[];
}

export function defaultIndexPath(dir: string): string {
  return path.join(path.resolve(dir), INDEX_DIR_NAME, "index.db");
}

/**
 * The files of an index kept at `indexPath` (the database and SQLite's side
 * files), by real path, so that an index placed inside the directory (not in
 * `.tartape`) is never part of its own tape.
 */
function indexFiles(indexPath: string): Set<string> {
  let dir: string;
  try {
    dir = fs.realpathSync(path.dirname(indexPath));
  } catch {
    return new Set(); // its folder does not exist yet, so neither does anything in it
  }
  const base = path.join(dir, path.basename(indexPath));
  return new Set(["", "-wal", "-shm", "-journal", LOCK_SUFFIX].map((suffix) => base + suffix));
}

/** The stamp an earlier recording left in the index, if any; an index that cannot be read has none. */
function peekStamp(indexPath: string): string | undefined {
  try {
    return TapeIndex.peekMeta(indexPath, FOLDER_STAMP_META);
  } catch {
    return undefined;
  }
}

/** The outermost folder of `folder`'s path that does not exist yet (what creating it creates first), if any. */
function firstMissing(folder: string): string | undefined {
  let missing: string | undefined;
  for (let current = path.resolve(folder); !fs.existsSync(current); current = path.dirname(current)) {
    missing = current;
    if (path.dirname(current) === current) break;
  }
  return missing;
}

/**
 * What recording leaves behind when it fails: nothing it created (the index
 * file, SQLite's side files, the folders made for them); an index that was
 * there before is left as the rolled-back transaction left it.
 */
function removeCreated(indexPath: string, existed: boolean, createdFolder: string | undefined): void {
  if (existed) return;
  for (const suffix of ["", "-wal", "-shm", "-journal", LOCK_SUFFIX]) fs.rmSync(indexPath + suffix, { force: true });
  if (createdFolder !== undefined) fs.rmSync(createdFolder, { recursive: true, force: true });
}

export async function record(dir: string, options: RecordOptions = {}): Promise<RecordResult> {
  const excludes = [...(options.excludes ?? DEFAULT_EXCLUDES)];
  const indexPath = path.resolve(options.indexPath ?? defaultIndexPath(dir));
  const place = { dir: path.resolve(dir), indexPath, defaultIndexPath: defaultIndexPath(dir) };
  // Refuse before the walk, which can take minutes, when the answer is already known.
  // The index file exists, so opening it creates no folder and leaves the root's mtime alone.
  const existed = fs.existsSync(indexPath);
  if (!options.overwrite && existed) {
    try {
      TapeIndex.forRecording(indexPath, false).close();
    } catch (err) {
      throw indexFailure(place, err);
    }
  }
  // What creating the index folder did to its parent's mtime, noted by the recording that created it.
  let stamp: FolderStamp | null = options.overwrite ? parseStamp(peekStamp(indexPath)) : null;
  // The walk reads the root (its mtime, its list of children) before the index folder is
  // created in it, then hands out entries one at a time: they go through the header
  // encoder, the fingerprint and into the index as they come, and nothing holds them all.
  // The index's own files are added to these sets once they can be found by real path.
  const excludePaths = new Set<string>();
  // The .tartape folder holding the index is tartape's own, not something the user excluded: left out without a word.
  // (An index file the user placed elsewhere in the tree is still listed: they chose that place.)
  const silentPaths = new Set<string>();
  const noteOwnFiles = (): void => {
    for (const file of indexFiles(indexPath)) {
      excludePaths.add(file);
      const folder = path.dirname(file);
      if (path.basename(folder) === INDEX_DIR_NAME) silentPaths.add(folder);
    }
  };
  noteOwnFiles();
  const walk = new TreeWalk(dir, makeExcludeMatcher(excludes), { excludePaths, silentPaths, excludeWhere: options.leaveOut });
  const root = walk.root;
  // The folder stamp is taken before the lock, which may create the index's folder.
  const creating = beforeCreating(path.dirname(indexPath));
  const createdFolder = firstMissing(path.dirname(indexPath));
  /** Puts back a walked directory's mtime from before the index folder was created in it (see index-folder-stamp.ts). */
  let adjustMtime: ((entry: ScannedEntry) => void) | null = null;

  const hash = createHash("sha256").update(`${FORMAT_VERSION}\n`);
  // Headers are hashed 64 KiB at a time: a hash update per 512-byte header costs more than hashing it.
  const toHash = Buffer.allocUnsafe(64 * 1024);
  let toHashLength = 0;
  /** Hashes what the buffer holds when `n` more bytes would not fit. */
  const makeRoom = (n: number): void => {
    if (toHashLength + n <= toHash.length) return;
    hash.update(toHash.subarray(0, toHashLength));
    toHashLength = 0;
  };
  let offset = 0;
  let count = 0;

  /** The index rows, laid out and fingerprinted one at a time as the walk hands them out. */
  function* rows(): Generator<NewEntryRow> {
    for (const entry of walk) {
      adjustMtime?.(entry);
      const fields = {
        arcPath: entry.arcPath,
        kind: entry.kind,
        size: entry.size,
        mtimeSeconds: mtimeSeconds(entry.mtimeNs),
        mode: entry.mode,
        linkTarget: entry.linkTarget,
      };
      // The fingerprint covers every header byte, so any change to a header changes it.
      makeRoom(BLOCK_SIZE);
      let headerLength = BLOCK_SIZE;
      // The common one-block header is written straight into the hashing buffer; any other is encoded apart.
      if (writeCommonHeader(toHash, toHashLength, fields)) {
        toHashLength += BLOCK_SIZE;
      } else {
        const header = encodeHeader(fields);
        headerLength = header.length;
        makeRoom(header.length);
        if (header.length > toHash.length) hash.update(header);
        else toHashLength += header.copy(toHash, toHashLength);
      }
      const startOffset = offset;
      const dataOffset = offset + headerLength;
      offset = dataOffset + entry.size + paddingAfter(entry.size);
      count++;
      const row = entry as NewEntryRow; // the walk's entry is this row's alone: completed in place, not copied
      row.startOffset = startOffset;
      row.dataOffset = dataOffset;
      row.endOffset = offset;
      yield row;
    }
  }

  let fingerprint = "";
  // Writing the index is what another writer of the tape must not overlap (an upload reads
  // entries while it runs), so the lock is held while the walk streams into it.
  await withTapeLock(indexPath, `recording ${root}`, async () => {
    let index: TapeIndex | undefined;
    try {
      // Recording again is the way out of a damaged index: the damaged file is kept aside, not written over.
      if (options.overwrite && indexIsDamaged(indexPath)) setDamagedIndexAside(indexPath);
      index = TapeIndex.forRecording(indexPath, options.overwrite ?? false);
      noteOwnFiles();
      if (creating) stamp = afterCreating(creating);
      // Recorded again, an unchanged tree makes the same tape: the index folder's creation does not count.
      // (Applied on a first recording too: a directory the walk reaches after creating the folder has the "after" mtime.)
      adjustMtime = stamp ? stampAdjuster(root, stamp) : null;
      const extra: Record<string, string> = stamp ? { [FOLDER_STAMP_META]: JSON.stringify(stamp) } : {};
      index.writeRecording(
        rows(),
        () => {
          fingerprint = hash.update(toHash.subarray(0, toHashLength)).digest("hex");
          return { fingerprint, totalSize: offset + FOOTER_SIZE, entryCount: count, createdAt: new Date().toISOString(), root, excludes };
        },
        { background: true, extra },
      );
    } catch (err) {
      index?.close();
      index = undefined;
      // Inside the lock, so that nothing another recorder made is removed (the lock file goes with the folder).
      try {
        removeCreated(indexPath, existed, createdFolder);
      } catch {
        // What could not be removed is left; the failure the user must hear about is the recording's.
      }
      throw indexFailure(place, err);
    } finally {
      index?.close();
    }
  });
  return { indexPath, fingerprint, totalSize: offset + FOOTER_SIZE, entryCount: count, skipped: walk.skipped, excluded: walk.excluded };
}
