/**
 * Recording: scan a directory once (T0), lay every entry out on the tape,
 * and write the index. Offsets and the total size are known from here on
 * without reading any content.
 */
import { createHash } from "./hash.js";
import fs from "node:fs";
import path from "node:path";
import { FORMAT_VERSION } from "./index/schema.js";
import { TapeIndex, type NewEntryRow } from "./index/tape-index.js";
import { DEFAULT_EXCLUDES, INDEX_DIR_NAME, makeExcludeMatcher } from "./scan/exclude.js";
import { TreeWalk, type SkippedEntry } from "./scan/scan.js";
import { writeCommonHeader } from "./tar/common-header.js";
import { BLOCK_SIZE, FOOTER_SIZE, encodeHeader, paddingAfter } from "./tar/header.js";
import { mtimeSeconds } from "./tape/mtime.js";

export interface RecordOptions {
  /** Replaces the default exclude list (names matched with shell wildcards). */
  readonly excludes?: readonly string[];
  /** Record again over an existing index (upload state in it is kept). */
  readonly overwrite?: boolean;
  /** Where to keep the index; default `<dir>/.tartape/index.db`. Use it for read-only sources. */
  readonly indexPath?: string;
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
  return new Set(["", "-wal", "-shm", "-journal"].map((suffix) => base + suffix));
}

/**
 * What recording leaves behind when it fails: nothing it created (the index
 * file, SQLite's side files, the folders made for them); an index that was
 * there before is left as the rolled-back transaction left it.
 */
function removeCreated(indexPath: string, existed: boolean, createdFolder: string | undefined): void {
  if (existed) return;
  for (const suffix of ["", "-wal", "-shm", "-journal"]) fs.rmSync(indexPath + suffix, { force: true });
  if (createdFolder !== undefined) fs.rmSync(createdFolder, { recursive: true, force: true });
}

export async function record(dir: string, options: RecordOptions = {}): Promise<RecordResult> {
  const excludes = [...(options.excludes ?? DEFAULT_EXCLUDES)];
  const indexPath = path.resolve(options.indexPath ?? defaultIndexPath(dir));
  // Refuse before the walk, which can take minutes, when the answer is already known.
  // The index file exists, so opening it creates no folder and leaves the root's mtime alone.
  const existed = fs.existsSync(indexPath);
  if (!options.overwrite && existed) TapeIndex.forRecording(indexPath, false).close();
  // The walk reads the root (its mtime, its list of children) before the index folder is
  // created in it, then hands out entries one at a time: they go through the header
  // encoder, the fingerprint and into the index as they come, and nothing holds them all.
  const excludePaths = new Set<string>();
  const walk = new TreeWalk(dir, makeExcludeMatcher(excludes), { excludePaths });
  const createdFolder = fs.mkdirSync(path.dirname(indexPath), { recursive: true });
  // The index's own files, now that they can be found by real path, if it is kept inside the tree.
  const index = TapeIndex.forRecording(indexPath, options.overwrite ?? false);
  for (const file of indexFiles(indexPath)) excludePaths.add(file);

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
  try {
    index.writeRecording(rows(), () => {
      fingerprint = hash.update(toHash.subarray(0, toHashLength)).digest("hex");
      return { fingerprint, totalSize: offset + FOOTER_SIZE, entryCount: count, createdAt: new Date().toISOString(), root: walk.root, excludes };
    }, { background: true });
  } catch (err) {
    index.close();
    removeCreated(indexPath, existed, createdFolder);
    throw err;
  }
  index.close();
  return { indexPath, fingerprint, totalSize: offset + FOOTER_SIZE, entryCount: count, skipped: walk.skipped, excluded: walk.excluded };
}
