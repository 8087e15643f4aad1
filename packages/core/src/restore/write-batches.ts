/**
 * Between the ranged reads and the writer thread: the restore cuts jobs from
 * the reads in tape order, and they go to the thread in batches (the jobs on
 * one read's bytes for one folder). A batch is handed over when the next read
 * is needed, when the next file lies in another folder, and before any other
 * kind of entry; the restore goes on meanwhile (the thread writes one batch
 * while the next read is taken and cut into jobs). Outcomes are applied in
 * order as they come (journal, progress, refusals: the caller's `apply`).
 * Before anything that depends on what the batches did (another folder, a
 * link, the end), every batch is waited for (drain).
 *
 * A read's buffer goes back when nobody holds it: the restore while it cuts
 * jobs from it, and each batch on its bytes until its answer is applied and
 * the journal's facts are with the kernel. A buffer given back earlier would
 * take another read while those facts could still be lost, and a kill would
 * cost more than concurrency × range size.
 */
import type { FileWriter, WriteJob, WriteOutcome } from "./file-writer.js";
import type { RestoreJournal } from "./journal.js";
import type { ReadAhead, TakenRead } from "./read-ahead.js";

/** A read and who holds its buffer. */
export interface HeldRead {
  readonly taken: TakenRead;
  holders: number;
}

export class WriteBatches<Item> {
  private batch: { read: HeldRead | null; jobs: WriteJob[]; items: Item[] } | null = null;
  private current: HeldRead | null = null;
  /** The folder the batches handed over or gathered since the last drain write into. */
  private folder: string | null = null;
  /** Answers applied so far, in order. */
  private applied: Promise<void> = Promise.resolve();
  /** The first failure (of the thread, or thrown by `apply`): thrown by the next read and by drain. */
  private failure: unknown = null;

  constructor(
    private readonly ahead: ReadAhead,
    private readonly writer: FileWriter,
    private readonly journal: RestoreJournal,
    /** Applies one batch's outcomes (one per job done, in order) to the restore's state; may throw. */
    private readonly apply: (outcomes: readonly WriteOutcome[], jobs: readonly WriteJob[], items: readonly Item[]) => void,
    /** Called after each read is taken. */
    private readonly onRead: () => void,
  ) {}

  /** The folder the jobs since the last drain write into (null: none). */
  get writingInto(): string | null {
    return this.folder;
  }

  /** The read holding tape byte `position`: earlier reads (of files refused meanwhile) are let go. */
  async readAt(position: number): Promise<HeldRead> {
    while (this.current === null || this.current.taken.read.end <= position) {
      this.post();
      if (this.current !== null) letGo(this.current);
      this.current = null;
      this.throwIfFailed();
      // Entries finished so far recorded before the next read: what a kill can lose.
      await this.journal.flushAsync();
      const taken = await this.ahead.take();
      // The plan and the writing go through the same entries with the same facts: a bug if they part.
      if (taken === null) throw new Error(`the restore's read plan holds no read of tape byte ${position}`);
      this.current = { taken, holders: 1 };
      this.onRead();
    }
    return this.current;
  }

  /** Adds a job (on `read`'s bytes, or none) for `item` writing into `folder`. */
  queue(job: WriteJob, item: Item, read: HeldRead | null, folder: string): void {
    if (this.batch !== null && read !== null && this.batch.read !== null && this.batch.read !== read) this.post();
    this.batch ??= { read, jobs: [], items: [] };
    this.batch.read ??= read;
    this.folder = folder;
    this.batch.jobs.push(job);
    this.batch.items.push(item);
  }

  /** Every batch handed over and answered, its outcomes applied. */
  async drain(): Promise<void> {
    this.post();
    await this.applied;
    this.folder = null;
    this.throwIfFailed();
  }

  /** Drains, and lets the last read go. */
  async finish(): Promise<void> {
    await this.drain();
    if (this.current !== null) letGo(this.current);
    this.current = null;
  }

  /** Hands the batch gathered so far to the writer thread. */
  private post(): void {
    if (this.batch === null) return;
    const { read, jobs, items } = this.batch;
    this.batch = null;
    if (read !== null) read.holders++;
    const answer = this.writer.write(read?.taken.data ?? null, jobs);
    // Its failure is taken up below, in order; until then it must not count as unhandled.
    answer.catch(() => undefined);
    this.applied = this.applied
      .then(() => answer)
      .then(async (outcomes) => {
        if (this.failure !== null) return;
        try {
          this.apply(outcomes, jobs, items);
        } finally {
          // What the batch did up to a failure is recorded too.
          await this.journal.flushAsync();
        }
      })
      .catch((err: unknown) => {
        this.failure ??= err;
      })
      .finally(() => read !== null && letGo(read));
  }

  private throwIfFailed(): void {
    if (this.failure !== null) throw this.failure;
  }
}

function letGo(held: HeldRead): void {
  if (--held.holders === 0) held.taken.release();
}
