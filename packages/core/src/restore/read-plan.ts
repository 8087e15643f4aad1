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

/**
 * Plans reads from spans given one at a time, in tape order: a read is handed
 * out once it is known whole (the next span does not join it, or end()), so
 * a restore plans as it goes, whatever the number of files.
 */
export class ReadPlanner {
  private current: { start: number; end: number } | undefined;
  private previousOrdinal = Number.NaN;

  constructor(private readonly rangeSize: number) {
    if (!(rangeSize > 0)) throw new RangeError(`rangeSize must be positive, got ${rangeSize}`);
  }

  /** The reads `span` closes (those before it, and its own whole ones). */
  *add(span: FileSpan): Generator<TapeRead> {
    if (span.end <= span.start) return;
    let position = span.start;
    const current = this.current;
    const neighbour = span.ordinal === this.previousOrdinal + 1 || span.ordinal === this.previousOrdinal;
    if (current && neighbour && position - current.end <= MAX_GAP && position < this.blockEnd(current.start)) {
      current.end = Math.min(span.end, this.blockEnd(current.start));
      position = current.end;
    }
    while (position < span.end) {
      if (this.current) yield this.current;
      this.current = { start: position, end: Math.min(span.end, this.blockEnd(position)) };
      position = this.current.end;
    }
    this.previousOrdinal = span.ordinal;
  }

  /** The last read, after the last span. */
  *end(): Generator<TapeRead> {
    if (this.current) yield this.current;
    this.current = undefined;
  }

  /**
   * Reads never cross a multiple of rangeSize: the server then reads each
   * stored block (MinIO: 1 MiB blocks, each checked whole; every store: the
   * uploaded parts, whose size is a multiple of a power of two) for one read
   * only. Cut from each file's start instead, a 2 GiB restore made MinIO spend
   * about 0.4 s more CPU (bench/README.md).
   */
  private blockEnd(position: number): number {
    return (Math.floor(position / this.rangeSize) + 1) * this.rangeSize;
  }
}

/** Every read of `spans` (in tape order). */
export function planReads(spans: readonly FileSpan[], rangeSize: number): TapeRead[] {
  const planner = new ReadPlanner(rangeSize);
  const reads: TapeRead[] = [];
  for (const span of spans) reads.push(...planner.add(span));
  reads.push(...planner.end());
  return reads;
}
