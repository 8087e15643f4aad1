/**
 * Which byte ranges of the tape a restore fetches: the content of each chosen
 * file (from where an earlier run stopped), cut into reads of at most
 * `rangeSize` bytes, none crossing a multiple of it. Files that follow each other on the tape share a read
 * when only headers and padding lie between them, so a folder of small files
 * costs a request per `rangeSize`, not per file; a file not chosen is never
 * inside a read.
 */

/** The bytes of one file still to fetch. */
export interface FileSpan {
  /** Tape offsets [start, end) of the content still missing. */
  readonly start: number;
  readonly end: number;
  /** Position of the file among all of the tape's files: spans of neighbouring files may share a read. */
  readonly ordinal: number;
}

export interface TapeRead {
  readonly start: number;
  readonly end: number;
}

/** Headers (and PAX headers) between two neighbouring files are read along rather than cost a request. */
export const MAX_GAP = 64 * 1024;

export function planReads(spans: readonly FileSpan[], rangeSize: number): TapeRead[] {
  if (!(rangeSize > 0)) throw new RangeError(`rangeSize must be positive, got ${rangeSize}`);
  /**
   * Reads never cross a multiple of rangeSize: the server then reads each
   * stored block (MinIO: 1 MiB blocks, each checked whole; every store: the
   * uploaded parts, whose size is a multiple of a power of two) for one read
   * only. Cut from each file's start instead, a 2 GiB restore made MinIO spend
   * about 0.4 s more CPU (bench/README.md).
   */
  const blockEnd = (position: number): number => (Math.floor(position / rangeSize) + 1) * rangeSize;
  const reads: Array<{ start: number; end: number }> = [];
  let current: { start: number; end: number } | undefined;
  let previousOrdinal = Number.NaN;
  for (const span of spans) {
    if (span.end <= span.start) continue;
    let position = span.start;
    const neighbour = span.ordinal === previousOrdinal + 1 || span.ordinal === previousOrdinal;
    if (current && neighbour && position - current.end <= MAX_GAP && position < blockEnd(current.start)) {
      current.end = Math.min(span.end, blockEnd(current.start));
      position = current.end;
    }
    while (position < span.end) {
      current = { start: position, end: Math.min(span.end, blockEnd(position)) };
      reads.push(current);
      position = current.end;
    }
    previousOrdinal = span.ordinal;
  }
  return reads;
}
