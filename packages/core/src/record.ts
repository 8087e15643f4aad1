/**
 * Recording: scan a directory once (T0), lay every entry out on the tape,
 * and write the index. Offsets and the total size are known from here on
 * without reading any content.
 */
import { createHash } from "node:crypto";
import path from "node:path";
import { FORMAT_VERSION } from "./index/schema.js";
import { TapeIndex, type NewEntryRow } from "./index/tape-index.js";
import { DEFAULT_EXCLUDES, INDEX_DIR_NAME, makeExcludeMatcher } from "./scan/exclude.js";
import { scanDirectory, type SkippedEntry } from "./scan/scan.js";
import { FOOTER_SIZE, encodeHeader, paddingAfter } from "./tar/header.js";
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

export async function record(dir: string, options: RecordOptions = {}): Promise<RecordResult> {
  const root = path.resolve(dir);
  const excludes = [...(options.excludes ?? DEFAULT_EXCLUDES)];
  // Scan before the index folder exists: creating it changes the root's mtime.
  const scan = scanDirectory(root, makeExcludeMatcher(excludes));

  const hash = createHash("sha256").update(`${FORMAT_VERSION}\n`);
  const rows: NewEntryRow[] = [];
  let offset = 0;
  for (const e of scan.entries) {
    const header = encodeHeader({ arcPath: e.arcPath, kind: e.kind, size: e.size, mtimeSeconds: mtimeSeconds(e.mtimeNs), mode: e.mode, linkTarget: e.linkTarget });
    // The fingerprint covers every header byte, so any change to a header changes it.
    hash.update(header);
    const dataOffset = offset + header.length;
    const endOffset = dataOffset + e.size + paddingAfter(e.size);
    rows.push({ ...e, startOffset: offset, dataOffset, endOffset });
    offset = endOffset;
  }
  const totalSize = offset + FOOTER_SIZE;
  const fingerprint = hash.digest("hex");

  const indexPath = path.resolve(options.indexPath ?? defaultIndexPath(root));
  const index = TapeIndex.forRecording(indexPath, options.overwrite ?? false);
  try {
    index.writeRecording(rows, { fingerprint, totalSize, entryCount: rows.length, createdAt: new Date().toISOString(), root, excludes });
  } finally {
    index.close();
  }
  return { indexPath, fingerprint, totalSize, entryCount: rows.length, skipped: scan.skipped, excluded: scan.excluded };
}
