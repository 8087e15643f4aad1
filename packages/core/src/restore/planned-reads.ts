/**
 * The walks through a restore's chosen entries that plan its reads: one for
 * the totals the progress shows (and the size of the read buffers), and one
 * that hands the reads out just ahead of the fetching. Both see each file as
 * the writing will: from the resume points the run found (resume-points.ts).
 */
import type { NumberedEntry } from "./tape-listing.js";
import { ReadPlanner, type FileSpan, type TapeRead } from "./read-plan.js";
import type { ResumePoints } from "./resume-points.js";
import type { Checked } from "./safe-path.js";

/** One chosen entry, its ordinal and its path under the destination (or why it has none). */
export interface Chosen extends NumberedEntry {
  readonly components: Checked<string[]>;
}

/** The entry's bytes still to fetch, or null when it needs none (not a file, unsafe, already done). */
function spanOf(step: Chosen, resume: ResumePoints): FileSpan | null {
  const { entry, ordinal, components } = step;
  if (entry.kind !== "file" || !components.ok || resume.doneEarlier(ordinal) || resume.refusedEarlier(ordinal)) return null;
  const start = resume.startOf(entry, ordinal, components.value);
  if (start === "in-place") return null;
  return { start: entry.dataOffset + start.bytes, end: entry.dataOffset + entry.size, ordinal };
}

export interface Totals {
  entries: number;
  bytes: number;
  bytesSkipped: number;
  reads: number;
  largestRead: number;
}

/** What the progress shows as the whole, and the largest read (the size of the read buffers). */
export async function totalsOf(chosen: () => AsyncIterable<Chosen>, resume: ResumePoints, rangeSize: number): Promise<Totals> {
  const totals: Totals = { entries: 0, bytes: 0, bytesSkipped: 0, reads: 0, largestRead: 0 };
  const planner = new ReadPlanner(rangeSize);
  const count = (reads: Iterable<TapeRead>): void => {
    for (const read of reads) {
      totals.reads++;
      totals.largestRead = Math.max(totals.largestRead, read.end - read.start);
    }
  };
  for await (const step of chosen()) {
    const { entry, components } = step;
    if (!components.ok) continue;
    totals.entries++;
    if (entry.kind !== "file") continue;
    totals.bytes += entry.size;
    const span = spanOf(step, resume);
    if (span === null) totals.bytesSkipped += entry.size;
    else {
      totals.bytesSkipped += span.start - entry.dataOffset;
      count(planner.add(span));
    }
  }
  count(planner.end());
  return totals;
}

/** The reads, planned from a walk of their own as the fetching asks for them. */
export async function* plannedReads(chosen: () => AsyncIterable<Chosen>, resume: ResumePoints, rangeSize: number): AsyncGenerator<TapeRead> {
  const planner = new ReadPlanner(rangeSize);
  for await (const step of chosen()) {
    const span = spanOf(step, resume);
    if (span !== null) yield* planner.add(span);
  }
  yield* planner.end();
}
