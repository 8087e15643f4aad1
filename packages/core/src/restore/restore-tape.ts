/**
 * Restores a tape (or part of it) from where it was uploaded into a folder:
 * the entries come from the catalog (or the tar headers of a tape without
 * one), the chosen files' bytes from parallel ranged reads handed over in
 * tape order, and a thread of its own writes each file under a temporary name,
 * checks it against the catalog's CRC-32, gives it its mode and mtime, and
 * renames it into place (file-writer.ts, write-batches.ts); folders get theirs
 * once their contents are in. A journal in the destination makes a rerun after
 * any interruption skip what is done.
 *
 * The entries are gone through three times, a catalog block at a time
 * (tape-listing.ts): once for the totals the progress shows, and twice side by
 * side, one walk planning the reads just ahead of the fetching, the other
 * writing. Memory: at most `concurrency` × `rangeSize` bytes of file content
 * (32 MiB with the defaults), a catalog block per walk, and the folders (their
 * modes and mtimes are set at the end), whatever the number of files.
 */
import { DiskFullError, InvalidArgumentError } from "../errors.js";
import { withRetry, type RetryPolicy } from "../upload/retry.js";
import { crc32Hex } from "../remote/crc32.js";
import { RemoteFileCorruptError } from "../remote/errors.js";
import { RemoteTape, type RemoteEntry, type RemoteTapeLocation } from "../remote/remote-tape.js";
import { ResumePoints, type ResumePoint } from "./resume-points.js";
import { TapeListing, type NumberedEntry } from "./tape-listing.js";
import { Refusal, type Destination } from "./destination.js";
import { ownerOf, refusalOf } from "./entry-rules.js";
import { DestinationWriteError, type RefusedEntry } from "./errors.js";
import { openDestination } from "./open-destination.js";
import { TartapeError } from "../errors.js";
import { OPTION_WORDS } from "../option-words.js";
import type { RestoreJournal } from "./journal.js";
import { fetchRange } from "./fetch-range.js";
import { asSystemError, FileWriter, type FinishFile, type WriteJob, type WriteOutcome } from "./file-writer.js";
import { ReadAhead } from "./read-ahead.js";
import { WriteBatches } from "./write-batches.js";
import type { TapeRead } from "./read-plan.js";
import { plannedReads, totalsOf, type Chosen } from "./planned-reads.js";
import { relativeComponents } from "./safe-path.js";
import { selectEntries } from "./select.js";

export const DEFAULT_RESTORE_CONCURRENCY = 8;
export const DEFAULT_RANGE_SIZE = 4 * 1024 * 1024;
const PROGRESS_INTERVAL_MS = 200;
export interface RestoreOptions {
  /** Archive paths (each with everything beneath it) or globs to restore; all entries when absent. */
  readonly only?: readonly string[];
  /** Ranged reads in flight at once (default 8). */
  readonly concurrency?: number;
  /** Bytes per ranged read (default 4 MiB): with concurrency, the bound on the bytes held in memory. */
  readonly rangeSize?: number;
  /** Restore into a folder that is not empty, replacing files and links the tape holds (never folders). */
  readonly overwrite?: boolean;
  /**
   * Give entries the owner and group ids their headers hold (0 and 0 for every
   * tape tartape made), as `tar --same-owner --numeric-owner` does. Only root
   * may; without it, everything belongs to the user running the restore.
   */
  readonly sameOwner?: boolean;
  /**
   * Restore the setuid, setgid and sticky bits the headers hold. Without it
   * they are cleared, as Python tarfile's `data` filter does, so a tape cannot
   * plant a setuid program (tartape itself never records them).
   */
  readonly keepSpecialBits?: boolean;
  readonly signal?: AbortSignal;
  readonly retry?: RetryPolicy;
  readonly onProgress?: (progress: RestoreProgress) => void;
  /**
   * Told the size of every response chunk once the restore is done with it. The
   * chunks are memory outside V8's heap that only a collection gives back; the
   * CLI uses this to collect them every few MiB (see release-chunks.ts there).
   */
  readonly onReceived?: (bytes: number) => void;
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

/** One chosen entry with a safe path. */
interface Step extends NumberedEntry {
  readonly components: readonly string[];
}

export async function restoreTape(location: RemoteTapeLocation, dir: string, options: RestoreOptions = {}): Promise<RestoreResult> {
  const signal = options.signal;
  const concurrency = options.concurrency ?? DEFAULT_RESTORE_CONCURRENCY;
  const rangeSize = options.rangeSize ?? DEFAULT_RANGE_SIZE;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new InvalidArgumentError(`concurrency must be a whole number of 1 or more, got ${concurrency}.`);
  if (!Number.isInteger(rangeSize) || rangeSize < 1) throw new InvalidArgumentError(`rangeSize must be a whole number of bytes, got ${rangeSize}.`);
  if (options.sameOwner && process.getuid?.() !== 0) {
    throw new InvalidArgumentError(`Only root may give files the owners a tape records (${OPTION_WORDS.sameOwner}). Run the restore as root, or leave ${OPTION_WORDS.sameOwner} out to own the files yourself.`);
  }

  const tape = await RemoteTape.open(location, signal ? { signal } : {});
  const listing = await TapeListing.of(tape, signal);
  const only = options.only ?? [];
  const isChosen = selectEntries(only);
  if (only.length > 0) {
    let matched = false;
    for await (const { entry } of listing.entries()) {
      if (isChosen(entry.path)) {
        matched = true;
        break;
      }
    }
    if (!matched) throw new InvalidArgumentError(`No entry of ${tape.tape.id} matches ${only.map((o) => `'${o}'`).join(", ")}. List its entries with \`tartape ls ${tape.tape.id}\`.`);
  }
  async function* chosen(): AsyncGenerator<Chosen> {
    for await (const numbered of listing.entries()) if (isChosen(numbered.entry.path)) yield { ...numbered, components: relativeComponents(numbered.entry.path) };
  }

  const { destination, journal } = openDestination(dir, tape, options.overwrite ?? false, only);
  let failed = false;
  try {
    return await restoreEntries(tape, chosen, destination, journal, { ...options, concurrency, rangeSize });
  } catch (err) {
    failed = true;
    throw asRestoreError(err, destination.root, signal);
  } finally {
    try {
      journal.close();
    } catch (err) {
      // A failure of its own (the disk filled up meanwhile) is said only when nothing else was.
      if (!failed) throw asRestoreError(err, destination.root, signal);
    }
  }
}

/** A system call on the destination that failed (a full disk) said as tartape says everything. */
function asRestoreError(err: unknown, root: string, signal: AbortSignal | undefined): unknown {
  const errno = err as NodeJS.ErrnoException;
  if (err instanceof TartapeError || typeof errno.syscall !== "string" || typeof errno.code !== "string" || signal?.aborted) return err;
  if (errno.code === "ENOSPC" || errno.code === "EDQUOT") return new DiskFullError(root, "the restore's destination", errno);
  return new DestinationWriteError(root, errno);
}

async function restoreEntries(
  tape: RemoteTape,
  chosen: () => AsyncIterable<Chosen>,
  destination: Destination,
  journal: RestoreJournal,
  options: RestoreOptions & { concurrency: number; rangeSize: number },
): Promise<RestoreResult> {
  const signal = options.signal;
  const sameOwner = options.sameOwner ?? false;
  const modeOf = (entry: RemoteEntry): number => entry.mode & (options.keepSpecialBits ? 0o7777 : 0o777);
  const resume = new ResumePoints(journal, destination);
  const totals = await totalsOf(chosen, resume, options.rangeSize);

  /** Keyed by the path under the destination, so what lies beneath a refused entry is refused too. */
  const refusedPaths = new Set<string>();
  const underDestination = (entryPath: string): string => {
    const components = relativeComponents(entryPath);
    return components.ok ? components.value.join("/") : entryPath;
  };
  // What earlier runs refused lies in the journal too: said again, and what lies beneath it refused again.
  for (const earlier of journal.refused.values()) refusedPaths.add(underDestination(earlier.path));
  const refuse = ({ entry, ordinal }: NumberedEntry, reason: string): void => {
    refusedPaths.add(underDestination(entry.path));
    journal.markRefused(ordinal, { path: entry.path, reason });
  };

  const started = Date.now();
  let bytesFetched = 0;
  let bytesWritten = 0;
  let readsDone = 0;
  let entriesDone = 0;
  let entriesSkipped = 0;
  let files = 0;
  let bytes = 0;
  let everyFileDigested = true;
  let lastProgress = 0;
  const progress = (force: boolean): void => {
    if (!options.onProgress) return;
    const now = Date.now();
    if (!force && now - lastProgress < PROGRESS_INTERVAL_MS) return;
    lastProgress = now;
    const elapsedMs = now - started;
    options.onProgress({
      bytesDone: totals.bytesSkipped + bytesWritten,
      bytesTotal: totals.bytes,
      bytesSkipped: totals.bytesSkipped,
      bytesFetched,
      entriesDone,
      entriesTotal: totals.entries,
      readsDone,
      readsTotal: totals.reads,
      bytesPerSecond: elapsedMs > 0 ? (bytesFetched * 1000) / elapsedMs : 0,
      elapsedMs,
    });
  };
  /** A file in place, written by this run or an earlier one. */
  const fileDone = (entry: RemoteEntry): void => {
    files++;
    bytes += entry.size;
  };

  const fetchRead = (read: TapeRead, into: Buffer): Promise<Buffer> =>
    withRetry(() => fetchRange(tape.tape, read.start, read.end, tape.version, into, signal, options.onReceived), options.retry, signal ? { signal } : {}).then((data) => {
      bytesFetched += data.length;
      return data;
    });
  // Buffers as large as the largest read: a tape of small files needs no buffers of rangeSize.
  const ahead = new ReadAhead(plannedReads(chosen, resume, options.rangeSize), options.concurrency, Math.max(1, totals.largestRead), fetchRead);
  const writer = new FileWriter();

  /** A batch's outcomes, in order: journal, progress, refusals; a damaged file or a failed call stops the restore. */
  const apply = (outcomes: readonly WriteOutcome[], jobs: readonly WriteJob[], batchSteps: readonly Step[]): void => {
    for (let i = 0; i < outcomes.length; i++) {
      const outcome = outcomes[i]!;
      const job = jobs[i]!;
      const step = batchSteps[i]!;
      const { entry, ordinal } = step;
      if (outcome.kind === "failed") throw asSystemError(outcome.error);
      bytesWritten += job.to - job.from;
      if (outcome.kind === "corrupt") {
        // The damaged bytes may lie in a prefix an earlier run kept: start the file over next time.
        journal.markPartial(ordinal, { bytes: 0, crc: 0 });
        throw new RemoteFileCorruptError(entry.path, tape.tape.id, entry.crc32 ?? "", crc32Hex(outcome.crc));
      }
      if (outcome.kind === "folder-in-place") refuse(step, "a folder is already in its place");
      else if (outcome.kind === "written") journal.markPartial(ordinal, { bytes: job.at + (job.to - job.from), crc: outcome.crc });
      else {
        destination.placed(step.components);
        // Outcomes come in tape order, and every other entry waits for the files before it.
        journal.markDoneThrough(ordinal);
        entriesDone++;
        fileDone(entry);
      }
    }
    if (outcomes.length < jobs.length) throw new Error("the restore's file writer thread stopped a batch without saying why");
    progress(false);
  };
  const batches = new WriteBatches<Step>(ahead, writer, journal, apply, () => {
    readsDone++;
    signal?.throwIfAborted();
  });

  /** Queues the jobs that write `step`'s file from `from`: one per read its bytes lie in. */
  const writeFile = async (step: Step, from: Exclude<ResumePoint, "in-place">): Promise<void> => {
    const { entry } = step;
    const partial = resume.partialFile(entry);
    const end = entry.dataOffset + entry.size;
    const finish: FinishFile = {
      crc: entry.crc32 === undefined ? null : Number.parseInt(entry.crc32, 16),
      mode: modeOf(entry),
      mtime: entry.mtime,
      target: destination.absolute(step.components),
      ...(sameOwner ? { owner: ownerOf(entry) } : {}),
    };
    const folder = step.components.slice(0, -1).join("/");
    let open: WriteJob["open"] = from.bytes > 0 ? "resume" : "create";
    if (from.bytes >= entry.size) {
      batches.queue({ file: partial, open, at: from.bytes, from: 0, to: 0, crc: from.crc, finish }, step, null, folder);
      return;
    }
    for (let position = entry.dataOffset + from.bytes; position < end; ) {
      const held = await batches.readAt(position);
      const { read } = held.taken;
      const upTo = Math.min(end, read.end);
      const job: WriteJob = { file: partial, open, at: position - entry.dataOffset, from: position - read.start, to: upTo - read.start, crc: from.crc, ...(upTo === end ? { finish } : {}) };
      batches.queue(job, step, held, folder);
      open = "continue";
      position = upTo;
    }
  };

  let completed = false;
  try {
    for await (const item of chosen()) {
      signal?.throwIfAborted();
      const { entry, ordinal } = item;
      // Said again from the journal (above).
      if (resume.refusedEarlier(ordinal)) continue;
      if (!item.components.ok) {
        refuse(item, item.components.reason);
        continue;
      }
      const step: Step = { entry, ordinal, components: item.components.value };
      const { components } = step;
      if (entry.kind === "file" && entry.crc32 === undefined) everyFileDigested = false;
      // Every other kind of entry goes after the files before it are in place (a hard link may name one).
      if (entry.kind !== "file") await batches.drain();
      const unsafe = refusalOf(entry, components, refusedPaths);
      if (unsafe !== null) {
        refuse(step, unsafe);
        continue;
      }
      if (entry.kind === "dir") {
        // Made again on a resume too: its mode and mtime are set once its contents are in.
        const refusal = components.length === 0 ? null : destination.makeDir(components, modeOf(entry), entry.mtime, sameOwner ? ownerOf(entry) : undefined);
        if (refusal) refuse(step, refusal.reason);
        else {
          journal.markDoneThrough(ordinal);
          entriesDone++;
        }
        continue;
      }
      if (resume.doneEarlier(ordinal)) {
        if (entry.kind === "file") fileDone(entry);
        entriesSkipped++;
        entriesDone++;
        continue;
      }
      // A file in another folder: the folders on its way are checked against what the batches did.
      const into = batches.writingInto;
      if (entry.kind === "file" && into !== null && into !== components.slice(0, -1).join("/")) await batches.drain();
      let refusal: Refusal | null = destination.ensureDirs(components.slice(0, -1));
      if (refusal === null && entry.kind === "file") {
        const from = resume.startOf(entry, ordinal, components);
        if (from === "in-place") {
          await batches.drain();
          journal.markDoneThrough(ordinal);
          fileDone(entry);
          entriesSkipped++;
          entriesDone++;
          continue;
        }
        // Done (journal, progress) when its last job's outcome comes back.
        await writeFile(step, from);
        continue;
      }
      if (refusal === null) {
        if (entry.kind === "symlink") refusal = destination.makeSymlink(components, entry.linkTarget ?? "", entry.mtime, sameOwner ? ownerOf(entry) : undefined);
        else {
          const target = relativeComponents(entry.linkTarget ?? "");
          refusal = !target.ok ? new Refusal(`its link target ${target.reason.replace(/^its /, "")}`) : destination.makeHardlink(components, target.value);
        }
      }
      if (refusal) {
        refuse(step, refusal.reason);
        continue;
      }
      journal.markDoneThrough(ordinal);
      entriesDone++;
      progress(false);
    }
    await batches.finish();
    destination.finishDirs();
    progress(true);
    completed = true;
  } finally {
    await ahead.settle();
    // Batches still queued are given up (their files are in no journal); their outcomes are not awaited.
    await writer.close();
  }
  if (completed) destination.removeState();

  return {
    dir: destination.root,
    tapeId: tape.tape.id,
    catalogFound: tape.hasCatalog,
    entries: entriesDone,
    files,
    bytes,
    bytesFetched,
    entriesSkipped,
    // Every refusal of this run and the earlier ones, in the order they were made.
    refused: [...journal.refused.values()],
    verified: tape.hasCatalog && everyFileDigested,
  };
}
