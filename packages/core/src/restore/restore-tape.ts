/**
 * Restores a tape (or part of it) from where it was uploaded into a folder:
 * the entries come from the catalog (or the tar headers of a tape without
 * one), the chosen files' bytes from parallel ranged reads handed over in
 * tape order, each file written under a temporary name, checked against the
 * catalog's CRC-32, given its mode and mtime, and renamed into place; folders
 * get theirs once their contents are in. A journal in the destination makes a
 * rerun after any interruption skip what is done.
 *
 * Memory: at most `concurrency` × `rangeSize` bytes of file content (32 MiB
 * with the defaults), plus the entries' metadata (a few hundred bytes each).
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { InvalidArgumentError } from "../errors.js";
import { fsError } from "../upload/file-target.js";
import { withRetry, type RetryPolicy } from "../upload/retry.js";
import { crc32, crc32Hex } from "../remote/crc32.js";
import { RemoteFileCorruptError } from "../remote/errors.js";
import { RemoteTape, type RemoteEntry, type RemoteTapeLocation } from "../remote/remote-tape.js";
import { Destination, Refusal } from "./destination.js";
import { DestinationNotEmptyError, DestinationWriteError, type RefusedEntry } from "./errors.js";
import { TartapeError } from "../errors.js";
import { RestoreJournal } from "./journal.js";
import { fetchRange } from "./fetch-range.js";
import { ReadAhead } from "./read-ahead.js";
import { planReads, type FileSpan, type TapeRead } from "./read-plan.js";
import { relativeComponents, RESTORE_STATE_DIR, symlinkTargetInside } from "./safe-path.js";
import { selectEntries } from "./select.js";

export const DEFAULT_RESTORE_CONCURRENCY = 8;
export const DEFAULT_RANGE_SIZE = 4 * 1024 * 1024;
const PROGRESS_INTERVAL_MS = 200;
/**
 * Pieces at least this big are written through the thread pool: a synchronous
 * write of megabytes held the event loop, and with it the HTTP reads, for most
 * of a restore of big files (bench:restore, --cpu-prof: 6 of 15.7 s in write).
 */
const ASYNC_WRITE_BYTES = 256 * 1024;

function writeAllSync(fd: number, data: Buffer, position: number): void {
  for (let written = 0; written < data.length; ) written += fs.writeSync(fd, data, written, data.length - written, position + written);
}

async function writeAll(fd: number, data: Buffer, position: number): Promise<void> {
  for (let written = 0; written < data.length; ) {
    written += await new Promise<number>((resolve, reject) =>
      fs.write(fd, data, written, data.length - written, position + written, (err, n) => (err ? reject(err) : resolve(n))),
    );
  }
}

export interface RestoreOptions {
  /** Archive paths (each with everything beneath it) or globs to restore; all entries when absent. */
  readonly only?: readonly string[];
  /** Ranged reads in flight at once (default 8). */
  readonly concurrency?: number;
  /** Bytes per ranged read (default 4 MiB): with concurrency, the bound on the bytes held in memory. */
  readonly rangeSize?: number;
  /** Restore into a folder that is not empty, replacing files and links the tape holds (never folders). */
  readonly overwrite?: boolean;
  readonly signal?: AbortSignal;
  readonly retry?: RetryPolicy;
  readonly onProgress?: (progress: RestoreProgress) => void;
}

export interface RestoreProgress {
  /** Content bytes of the chosen files in place or written (including those an earlier run wrote). */
  readonly bytesDone: number;
  readonly bytesTotal: number;
  /** Content bytes an earlier run had written, not fetched again. */
  readonly bytesSkipped: number;
  /** Bytes this run fetched (headers between small files included). */
  readonly bytesFetched: number;
  readonly entriesDone: number;
  readonly entriesTotal: number;
  readonly readsDone: number;
  readonly readsTotal: number;
  /** This run's fetch rate, bytes per second. */
  readonly bytesPerSecond: number;
  readonly elapsedMs: number;
}

export interface RestoreResult {
  /** The destination folder (real path). */
  readonly dir: string;
  readonly tapeId: string;
  readonly catalogFound: boolean;
  /** Entries chosen (by `only`) and written, in this run or an earlier one. */
  readonly entries: number;
  readonly files: number;
  /** Content bytes of the files restored. */
  readonly bytes: number;
  readonly bytesFetched: number;
  /** Entries an earlier run had finished. */
  readonly entriesSkipped: number;
  /** Entries not written because they were unsafe. */
  readonly refused: readonly RefusedEntry[];
  /** Whether every file was checked against a recorded digest (false for tapes without a catalog). */
  readonly verified: boolean;
}

/** One chosen entry, with its path under the destination. */
interface Step {
  readonly entry: RemoteEntry;
  readonly components: readonly string[];
}

function isEmptyExceptState(dir: string): boolean {
  return fs.readdirSync(dir).every((name) => name === RESTORE_STATE_DIR);
}

function openDestination(dir: string, tape: RemoteTape, overwrite: boolean): { destination: Destination; journal: RestoreJournal } {
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw fsError(`Cannot create the destination ${dir}`, err);
  }
  const root = fs.realpathSync(dir);
  if (!fs.statSync(root).isDirectory()) throw new DestinationNotEmptyError(dir, "is not a folder");
  const journalFile = path.join(root, RESTORE_STATE_DIR, "journal");
  const identity = { id: tape.tape.id, version: tape.version.version, size: tape.version.size };
  const resuming = fs.existsSync(journalFile);
  if (!resuming && !overwrite && !isEmptyExceptState(root)) throw new DestinationNotEmptyError(dir, "is not empty");
  let journal = RestoreJournal.open(journalFile, identity);
  if (journal === "other-tape") {
    if (!overwrite) throw new DestinationNotEmptyError(dir, `holds an unfinished restore of another tape (or another version of ${tape.tape.id})`);
    fs.rmSync(path.join(root, RESTORE_STATE_DIR), { recursive: true, force: true });
    journal = RestoreJournal.open(journalFile, identity) as RestoreJournal;
  }
  return { destination: new Destination(root), journal };
}

/** Why an entry, wherever it lands, may not be written at all; null when it may. */
function refusalOf(entry: RemoteEntry, components: readonly string[], refusedPaths: ReadonlySet<string>): string | null {
  for (let i = 1; i < components.length; i++) {
    const above = components.slice(0, i).join("/");
    if (refusedPaths.has(above)) return `it lies beneath '${above}', which was refused`;
  }
  if (entry.kind === "other") return "it is a device, FIFO or other special file; only files, folders and links are restored";
  if (components.length === 0 && entry.kind !== "dir") return "its path names the destination itself";
  if (entry.kind === "symlink") {
    const target = symlinkTargetInside(components, entry.linkTarget ?? "");
    if (!target.ok) return target.reason;
  }
  return null;
}

export async function restoreTape(location: RemoteTapeLocation, dir: string, options: RestoreOptions = {}): Promise<RestoreResult> {
  const signal = options.signal;
  const concurrency = options.concurrency ?? DEFAULT_RESTORE_CONCURRENCY;
  const rangeSize = options.rangeSize ?? DEFAULT_RANGE_SIZE;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new InvalidArgumentError(`concurrency must be a whole number of 1 or more, got ${concurrency}.`);
  if (!Number.isInteger(rangeSize) || rangeSize < 1) throw new InvalidArgumentError(`rangeSize must be a whole number of bytes, got ${rangeSize}.`);

  const tape = await RemoteTape.open(location, signal ? { signal } : {});
  const chosen = selectEntries(options.only);
  const all: RemoteEntry[] = [];
  for await (const entry of tape.entries("", signal ? { signal } : {})) all.push(entry);
  const selected = all.filter((e) => chosen(e.path));
  if (selected.length === 0 && options.only !== undefined && options.only.length > 0) {
    throw new InvalidArgumentError(`No entry of ${tape.tape.id} matches ${options.only.map((o) => `'${o}'`).join(", ")}. List its entries with \`tartape ls ${tape.tape.id}\`.`);
  }

  const { destination, journal } = openDestination(dir, tape, options.overwrite ?? false);
  try {
    return await restoreEntries(tape, all, selected, destination, journal, { ...options, concurrency, rangeSize });
  } catch (err) {
    // A system call on the destination failed (a full disk): say so as tartape says everything.
    const errno = err as NodeJS.ErrnoException;
    if (!(err instanceof TartapeError) && typeof errno.syscall === "string" && typeof errno.code === "string" && !signal?.aborted) throw new DestinationWriteError(destination.root, errno);
    throw err;
  } finally {
    journal.close();
  }
}

async function restoreEntries(
  tape: RemoteTape,
  all: readonly RemoteEntry[],
  selected: readonly RemoteEntry[],
  destination: Destination,
  journal: RestoreJournal,
  options: RestoreOptions & { concurrency: number; rangeSize: number },
): Promise<RestoreResult> {
  const signal = options.signal;
  const refused: RefusedEntry[] = [];
  const refusedPaths = new Set<string>();
  /** Keyed by the path under the destination, so what lies beneath a refused entry is refused too. */
  const refuse = (entry: RemoteEntry, reason: string, components?: readonly string[]): void => {
    refused.push({ path: entry.path, reason });
    refusedPaths.add(components ? components.join("/") : entry.path);
  };

  // Paths first: an unsafe path is refused before anything is fetched.
  const steps: Step[] = [];
  for (const entry of selected) {
    const components = relativeComponents(entry.path);
    if (!components.ok) refuse(entry, components.reason);
    else steps.push({ entry, components: components.value });
  }

  const ordinals = new Map<RemoteEntry, number>();
  for (const entry of all) if (entry.kind === "file") ordinals.set(entry, ordinals.size);
  const partialFile = (entry: RemoteEntry): string => path.join(destination.partialDir, createHash("sha1").update(entry.path).digest("hex"));
  const resumeAt = new Map<RemoteEntry, { bytes: number; crc: number }>();
  const spans: FileSpan[] = [];
  let bytesTotal = 0;
  let bytesSkipped = 0;
  let entriesSkipped = 0;
  for (const { entry } of steps) {
    if (entry.kind !== "file") continue;
    bytesTotal += entry.size;
    if (journal.done.has(entry.path)) {
      bytesSkipped += entry.size;
      continue;
    }
    const prior = journal.partial.get(entry.path);
    let from = { bytes: 0, crc: 0 };
    if (prior && prior.bytes <= entry.size) {
      const size = fs.statSync(partialFile(entry), { throwIfNoEntry: false })?.size ?? -1;
      if (size >= prior.bytes) from = prior;
    }
    resumeAt.set(entry, from);
    bytesSkipped += from.bytes;
    spans.push({ start: entry.dataOffset + from.bytes, end: entry.dataOffset + entry.size, ordinal: ordinals.get(entry)! });
  }

  const reads = planReads(spans, options.rangeSize);
  const started = Date.now();
  let bytesFetched = 0;
  let bytesWritten = 0;
  let readsDone = 0;
  let entriesDone = 0;
  let lastProgress = 0;
  const progress = (force: boolean): void => {
    if (!options.onProgress) return;
    const now = Date.now();
    if (!force && now - lastProgress < PROGRESS_INTERVAL_MS) return;
    lastProgress = now;
    const elapsedMs = now - started;
    options.onProgress({
      bytesDone: bytesSkipped + bytesWritten,
      bytesTotal,
      bytesSkipped,
      bytesFetched,
      entriesDone,
      entriesTotal: steps.length,
      readsDone,
      readsTotal: reads.length,
      bytesPerSecond: elapsedMs > 0 ? (bytesFetched * 1000) / elapsedMs : 0,
      elapsedMs,
    });
  };

  const fetchRead = (read: TapeRead, into: Buffer): Promise<Buffer> =>
    withRetry(() => fetchRange(tape.tape, read.start, read.end, tape.version, into, signal), options.retry, signal ? { signal } : {}).then((data) => {
      bytesFetched += data.length;
      return data;
    });
  // Buffers as large as the largest read: a tape of small files needs no buffers of rangeSize.
  const largestRead = reads.reduce((most, r) => Math.max(most, r.end - r.start), 0);
  const ahead = new ReadAhead(reads, options.concurrency, largestRead, fetchRead);
  let current: { read: TapeRead; data: Buffer } | null = null;
  /** The read holding tape byte `position`: earlier reads (of files refused meanwhile) are dropped. */
  const readAt = async (position: number): Promise<{ read: TapeRead; data: Buffer }> => {
    while (current === null || current.read.end <= position) {
      // Entries finished so far lie in reads already written: record them before the next read.
      await journal.flushAsync();
      current = await ahead.take();
      readsDone++;
    }
    return current;
  };

  // Synchronous file calls for small pieces: the writer is one sequence anyway, and for
  // small files each asynchronous call cost a trip through the thread pool (most of a
  // restore's time). Big pieces are written asynchronously (see writeAll).
  const writeFile = async (step: Step): Promise<Refusal | null> => {
    const { entry } = step;
    const from = resumeAt.get(entry)!;
    const partial = partialFile(entry);
    const fd = fs.openSync(partial, from.bytes > 0 ? "r+" : "w", 0o600);
    let { bytes, crc } = from;
    try {
      if (from.bytes > 0) fs.ftruncateSync(fd, from.bytes);
      const end = entry.dataOffset + entry.size;
      for (let position = entry.dataOffset + bytes; position < end; ) {
        const { read, data } = await readAt(position);
        const slice = data.subarray(position - read.start, Math.min(end, read.end) - read.start);
        if (slice.length < ASYNC_WRITE_BYTES) {
          writeAllSync(fd, slice, bytes);
          crc = crc32(slice, crc);
        } else {
          // Big pieces go to the thread pool, so the next reads keep arriving (and the CRC is taken) meanwhile.
          const writing = writeAll(fd, slice, bytes);
          crc = crc32(slice, crc);
          await writing;
        }
        bytes += slice.length;
        bytesWritten += slice.length;
        position += slice.length;
        if (position < end) journal.markPartial(entry.path, { bytes, crc });
        progress(false);
        signal?.throwIfAborted();
      }
      if (entry.crc32 === undefined || crc32Hex(crc) === entry.crc32) destination.setFileAttributes(fd, entry.mode & 0o777, entry.mtime);
    } finally {
      fs.closeSync(fd);
    }
    if (entry.crc32 !== undefined && crc32Hex(crc) !== entry.crc32) {
      // The damaged bytes may lie in a prefix an earlier run kept: start the file over next time.
      fs.rmSync(partial, { force: true });
      journal.markPartial(entry.path, { bytes: 0, crc: 0 });
      throw new RemoteFileCorruptError(entry.path, tape.tape.id, entry.crc32, crc32Hex(crc));
    }
    return destination.place(partial, step.components);
  };

  let completed = false;
  try {
    for (const step of steps) {
      signal?.throwIfAborted();
      const { entry, components } = step;
      const unsafe = refusalOf(entry, components, refusedPaths);
      if (unsafe !== null) {
        refuse(entry, unsafe, components);
        continue;
      }
      if (entry.kind === "dir") {
        const refusal = components.length === 0 ? null : destination.makeDir(components, entry.mode & 0o777, entry.mtime);
        if (refusal) refuse(entry, refusal.reason, components);
        else entriesDone++;
        continue;
      }
      if (journal.done.has(entry.path)) {
        entriesSkipped++;
        entriesDone++;
        continue;
      }
      let refusal: Refusal | null = destination.ensureDirs(components.slice(0, -1));
      if (refusal === null) {
        if (entry.kind === "file") refusal = await writeFile(step);
        else if (entry.kind === "symlink") refusal = destination.makeSymlink(components, entry.linkTarget ?? "", entry.mtime);
        else {
          const target = relativeComponents(entry.linkTarget ?? "");
          refusal = !target.ok ? new Refusal(`its link target ${target.reason.replace(/^its /, "")}`) : destination.makeHardlink(components, target.value);
        }
      }
      if (refusal) {
        refuse(entry, refusal.reason, components);
        continue;
      }
      journal.markDone(entry.path);
      entriesDone++;
      progress(false);
    }
    destination.finishDirs();
    progress(true);
    completed = true;
  } finally {
    await ahead.settle();
  }
  if (completed) destination.removeState();

  const files = steps.filter((s) => s.entry.kind === "file" && !refusedPaths.has(s.entry.path));
  return {
    dir: destination.root,
    tapeId: tape.tape.id,
    catalogFound: tape.hasCatalog,
    entries: entriesDone,
    files: files.length,
    bytes: files.reduce((sum, s) => sum + s.entry.size, 0),
    bytesFetched,
    entriesSkipped,
    refused,
    verified: tape.hasCatalog && files.every((s) => s.entry.crc32 !== undefined),
  };
}
