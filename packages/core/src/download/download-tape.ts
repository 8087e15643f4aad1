/**
 * The whole tape object to a local file: its parts fetched in parallel by
 * byte range and written in place (positional writes into a file of the
 * object's size), each checked against the checksum its target recorded when
 * the part was acknowledged (from the catalog), and recorded in a journal
 * beside the file once written and verified. A rerun after any interruption
 * fetches only the parts not recorded. The file appears under its name only
 * when every part is in and checked.
 *
 * Memory: each part streams through; at most `concurrency` streams' buffers
 * (tens of KiB each) are held, whatever the part size.
 */
import fs from "node:fs";
import { IntegrityMismatchError, InvalidArgumentError } from "../errors.js";
import { ShortReadError } from "../remote/errors.js";
import { RemoteTape, type RemoteTapeLocation } from "../remote/remote-tape.js";
import type { CatalogPart } from "../catalog/format.js";
import type { UploadProgress } from "../upload/progress.js";
import { withRetry, type RetryPolicy } from "../upload/retry.js";
import { PartsJournal } from "./parts-journal.js";
import { DestinationNotEmptyError } from "../restore/errors.js";
import { digestFor } from "./part-checksum.js";

export const DEFAULT_DOWNLOAD_CONCURRENCY = 8;
/** Without a catalog there are no parts: the object is read in pieces of this size, unverified. */
const PIECE_SIZE = 64 * 1024 * 1024;

export interface DownloadOptions {
  readonly concurrency?: number;
  readonly signal?: AbortSignal;
  readonly retry?: RetryPolicy;
  /** The same shape as an upload's progress: parts are the uploaded parts. */
  readonly onProgress?: (progress: UploadProgress) => void;
}

export interface DownloadResult {
  readonly file: string;
  readonly tapeId: string;
  readonly bytes: number;
  readonly bytesFetched: number;
  readonly parts: number;
  /** Parts an earlier run had written and checked. */
  readonly partsSkipped: number;
  /** Whether every part was checked against a checksum its target recorded. */
  readonly verified: boolean;
}

export class PartCorruptError extends IntegrityMismatchError {
  constructor(readonly part: number, start: number, end: number, objectId: string, expected: string, actual: string) {
    super(
      `Part ${part} (bytes ${start}-${end - 1}) of ${objectId} is damaged: its bytes have ${actual}, but the target recorded ${expected} when the part was uploaded. ` +
        "The stored object differs from what was sent; upload the tape again.",
    );
  }
}

function piecesOf(size: number): CatalogPart[] {
  const pieces: CatalogPart[] = [];
  for (let start = 0, number = 1; start < size; start += PIECE_SIZE, number++) pieces.push({ number, start, end: Math.min(size, start + PIECE_SIZE), checksum: "" });
  return pieces;
}

export async function downloadTape(location: RemoteTapeLocation, file: string, options: DownloadOptions = {}): Promise<DownloadResult> {
  const signal = options.signal;
  const concurrency = options.concurrency ?? DEFAULT_DOWNLOAD_CONCURRENCY;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new InvalidArgumentError(`concurrency must be a whole number of 1 or more, got ${concurrency}.`);
  if (fs.existsSync(file)) throw new DestinationNotEmptyError(file, "already exists");
  const tape = await RemoteTape.open(location, signal ? { signal } : {});
  const size = tape.version.size;
  const parts = tape.catalog ? await tape.catalog.parts(signal) : piecesOf(size);
  const tiles = parts.every((p, i) => p.start === (i === 0 ? 0 : parts[i - 1]!.end)) && (parts.at(-1)?.end ?? 0) === size;
  const usable = tiles ? parts : piecesOf(size);

  const partial = `${file}.tartape-download`;
  const journalFile = `${partial}.journal`;
  const identity = { id: tape.tape.id, version: tape.version.version, size };
  let journal = PartsJournal.open(journalFile, identity);
  if (journal === "other-tape" || !fs.existsSync(partial)) {
    if (journal !== "other-tape") journal.close();
    fs.rmSync(journalFile, { force: true });
    fs.writeFileSync(partial, "");
    fs.truncateSync(partial, size);
    journal = PartsJournal.open(journalFile, identity) as PartsJournal;
  }
  const done = journal.done;
  const todo = usable.filter((p) => !done.has(p.number));
  const bytesSkipped = size - todo.reduce((sum, p) => sum + (p.end - p.start), 0);
  const handle = await fs.promises.open(partial, "r+");
  const started = Date.now();
  let bytesFetched = 0;
  let partsDone = usable.length - todo.length;
  const inFlight = new Map<number, number>();
  const progress = (): void => {
    const elapsedMs = Date.now() - started;
    let flying = 0;
    for (const n of inFlight.values()) flying += n;
    options.onProgress?.({
      bytesDone: bytesSkipped + flying + todo.filter((p) => done.has(p.number)).reduce((s, p) => s + (p.end - p.start), 0),
      bytesTotal: size,
      bytesSkipped,
      partsDone,
      partsSkipped: usable.length - todo.length,
      partsTotal: usable.length,
      bytesPerSecond: elapsedMs > 0 ? (bytesFetched * 1000) / elapsedMs : 0,
      elapsedMs,
    });
  };

  const fetchPart = async (part: CatalogPart): Promise<void> => {
    const digest = part.checksum ? digestFor(part.checksum) : null;
    await withRetry(
      async () => {
        let position = part.start;
        inFlight.set(part.number, 0);
        for await (const chunk of await tape.tape.read(part.start, part.end, tape.version, signal)) {
          const bytes = chunk as Buffer;
          if (position + bytes.length > part.end) throw new ShortReadError(tape.tape.id, part.start, part.end, position + bytes.length - part.start);
          await handle.write(bytes, 0, bytes.length, position);
          digest?.update(bytes);
          position += bytes.length;
          bytesFetched += bytes.length;
          inFlight.set(part.number, position - part.start);
        }
        if (position !== part.end) throw new ShortReadError(tape.tape.id, part.start, part.end, position - part.start);
      },
      options.retry,
      signal ? { signal } : {},
    );
    inFlight.delete(part.number);
    if (digest) {
      const actual = digest.result();
      if (actual !== part.checksum) throw new PartCorruptError(part.number, part.start, part.end, tape.tape.id, part.checksum, actual);
    }
    (journal as PartsJournal).markDone(part.number);
    partsDone++;
    progress();
  };

  // N workers drain one queue; the first failure stops the others from taking more.
  let failure: unknown = null;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (failure === null && next < todo.length) {
      const part = todo[next++]!;
      try {
        await fetchPart(part);
      } catch (err) {
        failure ??= err;
      }
    }
  };
  try {
    progress();
    await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(1, todo.length)) }, worker));
    if (failure !== null) throw failure;
    await handle.sync();
  } finally {
    await handle.close();
    journal.close();
  }
  fs.renameSync(partial, file);
  fs.rmSync(journalFile, { force: true });
  return {
    file,
    tapeId: tape.tape.id,
    bytes: size,
    bytesFetched,
    parts: usable.length,
    partsSkipped: usable.length - todo.length,
    verified: tiles && usable.every((p) => p.checksum !== "" && digestFor(p.checksum) !== null),
  };
}
