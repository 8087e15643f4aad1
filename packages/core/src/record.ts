/**
 * Recording: scan a directory once (T0), lay every entry out on the tape,
 * and write the index. Offsets and the total size are known from here on
 * without reading any content.
 */
import { createHash } from "./hash.js";
import fs from "node:fs";
import path from "node:path";
import { afterCreating, applyStamp, beforeCreating, FOLDER_STAMP_META, parseStamp, type FolderStamp } from "./index-folder-stamp.js";
import { FORMAT_VERSION } from "./index/schema.js";
import { TapeIndex, type NewEntryRow } from "./index/tape-index.js";
import { DEFAULT_EXCLUDES, INDEX_DIR_NAME, makeExcludeMatcher } from "./scan/exclude.js";
import { scanCompact, type SkippedEntry } from "./scan/scan.js";
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
  return new Set(["", "-wal", "-shm", "-journal"].map((suffix) => base + suffix));
}

/** The stamp an earlier recording left in the index, if any; an index that cannot be read has none. */
function peekStamp(indexPath: string): string | undefined {
  try {
    return TapeIndex.peekMeta(indexPath, FOLDER_STAMP_META);
  } catch {
    return undefined;
  }
}

export async function record(dir: string, options: RecordOptions = {}): Promise<RecordResult> {
  const excludes = [...(options.excludes ?? DEFAULT_EXCLUDES)];
  const indexPath = path.resolve(options.indexPath ?? defaultIndexPath(dir));
  // Refuse before the scan, which can take minutes, when the answer is already known.
  // The index file exists, so opening it creates no folder and leaves the root's mtime alone.
  if (!options.overwrite && fs.existsSync(indexPath)) TapeIndex.forRecording(indexPath, false).close();
  // Scan before the index folder exists: creating it changes the root's mtime.
  // Entries are kept compact (by column) until the index is written: that is most of a recording's memory.
  // What creating the index folder did to its parent's mtime, noted by the recording that created it.
  let stamp: FolderStamp | null = options.overwrite ? parseStamp(peekStamp(indexPath)) : null;
  const ownFiles = indexFiles(indexPath);
  // The .tartape folder holding the index is tartape's own, not something the user excluded: left out without a word.
  // (An index file the user placed elsewhere in the tree is still listed: they chose that place.)
  const silentPaths = new Set([...ownFiles].map((f) => path.dirname(f)).filter((d) => path.basename(d) === INDEX_DIR_NAME));
  const scan = scanCompact(dir, makeExcludeMatcher(excludes), { excludePaths: ownFiles, silentPaths, excludeWhere: options.leaveOut });
  const root = scan.root;
  const list = scan.list;
  const count = list.count;
  // Recorded again, an unchanged tree makes the same tape: the index folder's creation does not count.
  if (stamp) applyStamp(list, root, stamp);

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
  /** Where each entry's content starts: its header is what comes before, from the previous entry's end. */
  const dataOffsets = new Float64Array(count);
  let offset = 0;
  for (let i = 0; i < count; i++) {
    const size = list.sizes[i] as number;
    const fields = {
      arcPath: list.arcPath(i),
      kind: list.kind(i),
      size,
      mtimeSeconds: mtimeSeconds(list.mtimesNs[i] as bigint),
      mode: list.modes[i] as number,
      linkTarget: list.linkTargets.get(i) ?? null,
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
    dataOffsets[i] = offset + headerLength;
    offset += headerLength + size + paddingAfter(size);
  }
  const totalSize = offset + FOOTER_SIZE;
  const fingerprint = hash.update(toHash.subarray(0, toHashLength)).digest("hex");

  /** The index rows, made one at a time as they are written. */
  function* rows(): Generator<NewEntryRow> {
    let start = 0;
    for (let i = 0; i < count; i++) {
      const size = list.sizes[i] as number;
      const dataOffset = dataOffsets[i] as number;
      const endOffset = dataOffset + size + paddingAfter(size);
      const arcPath = list.arcPath(i);
      yield {
        arcPath,
        realPath: list.realPath(i, arcPath),
        kind: list.kind(i),
        size,
        mtimeNs: list.mtimesNs[i] as bigint,
        mode: list.modes[i] as number,
        linkTarget: list.linkTargets.get(i) ?? null,
        startOffset: start,
        dataOffset,
        endOffset,
      };
      start = endOffset;
    }
  }

  const creating = beforeCreating(path.dirname(indexPath));
  const index = TapeIndex.forRecording(indexPath, options.overwrite ?? false);
  if (creating) stamp = afterCreating(creating);
  try {
    const extra: Record<string, string> = stamp ? { [FOLDER_STAMP_META]: JSON.stringify(stamp) } : {};
    index.writeRecording(rows(), { fingerprint, totalSize, entryCount: count, createdAt: new Date().toISOString(), root, excludes }, extra);
  } finally {
    index.close();
  }
  return { indexPath, fingerprint, totalSize, entryCount: count, skipped: scan.skipped, excluded: scan.excluded };
}
