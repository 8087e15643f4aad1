/**
 * The one routine that turns index rows back into tape bytes, for any byte
 * range. Files that end before the range are never opened: the first entry is
 * found with one B-tree lookup.
 */
import { createHash, type Hash } from "node:crypto";
import { IndexIncompatibleError } from "../errors.js";
import type { TapeIndex } from "../index/tape-index.js";
import { FOOTER_SIZE, encodeHeader } from "../tar/header.js";
import type { TapeEntry } from "../types.js";
import { SMALL_FILE_LIMIT, readLargeContent, readSmallContent } from "./file-content.js";
import { mtimeSeconds } from "./mtime.js";

/** One shared zero buffer for padding and the footer. */
const ZEROS = Buffer.alloc(FOOTER_SIZE);

export const DEFAULT_CHUNK_SIZE = 1024 * 1024;

export interface FileStartMark {
  readonly mark: "start";
  readonly entry: TapeEntry;
  readonly startOffset: number;
  readonly resumed: boolean;
}
export interface FileEndMark {
  readonly mark: "end";
  readonly entry: TapeEntry;
  readonly endOffset: number;
  readonly md5: string | null;
}
export type TapePiece = Buffer | FileStartMark | FileEndMark;

export interface ReadRangeOptions {
  readonly start: number;
  /** Exclusive. */
  readonly end: number;
  /** Emit file start/end marks (and flush bytes before each), for `play()`. */
  readonly marks?: boolean;
  /** Hash files read whole, for `fileEnd.md5`. */
  readonly hashFiles?: boolean;
  /** Bytes are gathered into chunks of about this size; large files are read in chunks of it. */
  readonly chunkSize?: number;
}

export function entryHeader(entry: TapeEntry): Buffer {
  const header = encodeHeader({
    arcPath: entry.arcPath,
    kind: entry.kind,
    size: entry.size,
    mtimeSeconds: mtimeSeconds(entry.mtimeNs),
    mode: entry.mode,
    linkTarget: entry.linkTarget,
  });
  if (header.length !== entry.dataOffset - entry.startOffset) {
    throw new IndexIncompatibleError("the index", `header of ${entry.arcPath} does not match its recorded length`);
  }
  return header;
}

export async function* readTapeRange(index: TapeIndex, totalSize: number, options: ReadRangeOptions): AsyncGenerator<TapePiece> {
  const { start, end } = options;
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const take = (buf: Buffer) => {
    if (buf.length === 0) return;
    pending.push(buf);
    pendingBytes += buf.length;
  };
  const flush = (): Buffer | null => {
    if (pendingBytes === 0) return null;
    const out = pending.length === 1 ? (pending[0] as Buffer) : Buffer.concat(pending, pendingBytes);
    pending = [];
    pendingBytes = 0;
    return out;
  };

  for (const entry of index.entriesInRange(start, end)) {
    const from = Math.max(entry.startOffset, start);
    const to = Math.min(entry.endOffset, end);
    if (options.marks) {
      const out = flush();
      if (out) yield out;
      yield { mark: "start", entry, startOffset: entry.startOffset, resumed: from > entry.startOffset };
    }

    if (from < entry.dataOffset) take(entryHeader(entry).subarray(from - entry.startOffset, Math.min(to, entry.dataOffset) - entry.startOffset));

    const contentEnd = entry.dataOffset + entry.size;
    const cFrom = Math.max(from, entry.dataOffset) - entry.dataOffset;
    const cTo = Math.min(to, contentEnd) - entry.dataOffset;
    const wholeContent = cFrom === 0 && cTo === entry.size && entry.kind === "file";
    let hash: Hash | null = options.hashFiles && wholeContent ? createHash("md5") : null;
    if (entry.kind === "file" && cTo > cFrom) {
      if (cTo - cFrom <= SMALL_FILE_LIMIT) {
        const buf = Buffer.allocUnsafe(cTo - cFrom);
        readSmallContent(entry, cFrom, cTo, buf, 0);
        hash?.update(buf);
        take(buf);
      } else {
        const out = flush();
        if (out) yield out;
        for await (const chunk of readLargeContent(entry, cFrom, cTo, chunkSize)) {
          hash?.update(chunk);
          yield chunk;
        }
      }
    }

    if (to > contentEnd) take(ZEROS.subarray(Math.max(from, contentEnd) - contentEnd, to - contentEnd));
    if (pendingBytes >= chunkSize) yield flush() as Buffer;

    if (options.marks && to === entry.endOffset) {
      const out = flush();
      if (out) yield out;
      const md5 = hash ? hash.digest("hex") : null;
      hash = null;
      yield { mark: "end", entry, endOffset: entry.endOffset, md5 };
    }
  }

  const footerStart = totalSize - FOOTER_SIZE;
  if (end > footerStart) take(ZEROS.subarray(Math.max(start, footerStart) - footerStart, end - footerStart));
  const out = flush();
  if (out) yield out;
}

