/**
 * What earlier runs of a restore did, as this run found it in the journal:
 * the entries done or refused, and where each file begun starts (at the
 * verified prefix left in its partial file, or nowhere at all when that run
 * put the whole file in place before it could say so: placed-whole.ts).
 * Decided once per file, from the journal as the run found it: the read plan
 * and the writing, which reach a file at different moments, must agree.
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { RemoteEntry } from "../remote/remote-tape.js";
import type { Destination } from "./destination.js";
import type { PartialProgress, RestoreJournal } from "./journal.js";
import { placedWhole } from "./placed-whole.js";

/** A file's first bytes already written ({0, 0}: none), or "in-place": whole under its real name. */
export type ResumePoint = PartialProgress | "in-place";

const FROM_THE_START: PartialProgress = { bytes: 0, crc: 0 };

export class ResumePoints {
  /** The journal's facts as the run found them (later facts are this run's own). */
  private readonly found: ReadonlyMap<number, PartialProgress>;
  private readonly refused: ReadonlySet<number>;
  private readonly through: number;
  private readonly decided = new Map<number, ResumePoint>();

  constructor(
    journal: RestoreJournal,
    private readonly destination: Destination,
  ) {
    this.found = new Map(journal.partial);
    this.refused = new Set(journal.refused.keys());
    this.through = journal.doneThrough;
  }

  /** Done by an earlier run. */
  doneEarlier(ordinal: number): boolean {
    return ordinal <= this.through && !this.refused.has(ordinal);
  }

  /** Refused by an earlier run (which the journal says again). */
  refusedEarlier(ordinal: number): boolean {
    return this.refused.has(ordinal);
  }

  /** The temporary file `entry`'s bytes are written to, until it is checked and renamed. */
  partialFile(entry: RemoteEntry): string {
    return path.join(this.destination.partialDir, createHash("sha1").update(entry.path).digest("hex"));
  }

  startOf(entry: RemoteEntry, ordinal: number, components: readonly string[]): ResumePoint {
    const prior = this.found.get(ordinal);
    if (prior === undefined) return FROM_THE_START;
    let point = this.decided.get(ordinal);
    if (point === undefined) {
      const size = fs.statSync(this.partialFile(entry), { throwIfNoEntry: false })?.size ?? -1;
      if (prior.bytes <= entry.size && size >= prior.bytes) point = prior;
      // Renamed into place by a run killed before it recorded so: no need to fetch it again.
      else point = prior.bytes <= entry.size && placedWhole(this.destination, entry, components) ? "in-place" : FROM_THE_START;
      this.decided.set(ordinal, point);
    }
    return point;
  }
}
