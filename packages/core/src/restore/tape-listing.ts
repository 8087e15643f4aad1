/**
 * The entries of a tape, numbered, as many times as a restore goes through
 * them (its totals, its read plan and its writing each walk the list once):
 * from a catalog, read again block by block each time, so memory does not
 * grow with the number of entries; from a tar without one, read header by
 * header once and kept (such a tar's entries are held in memory).
 */
import type { RemoteEntry, RemoteTape } from "../remote/remote-tape.js";

/** An entry and its ordinal: its position in the tape's list (catalog order, or archive order). */
export interface NumberedEntry {
  readonly entry: RemoteEntry;
  readonly ordinal: number;
}

export class TapeListing {
  private constructor(
    private readonly tape: RemoteTape,
    /** The entries of a tape without a catalog, read once. */
    private readonly kept: readonly RemoteEntry[] | null,
    private readonly signal: AbortSignal | undefined,
  ) {}

  static async of(tape: RemoteTape, signal?: AbortSignal): Promise<TapeListing> {
    if (tape.hasCatalog) return new TapeListing(tape, null, signal);
    const kept: RemoteEntry[] = [];
    for await (const entry of tape.entries("", signal ? { signal } : {})) kept.push(entry);
    return new TapeListing(tape, kept, signal);
  }

  async *entries(): AsyncGenerator<NumberedEntry> {
    let ordinal = 0;
    const all = this.kept ?? this.tape.entries("", this.signal ? { signal: this.signal } : {});
    for await (const entry of all) yield { entry, ordinal: ordinal++ };
  }
}
