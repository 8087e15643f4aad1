/**
 * `cleanupLeftovers`: lists what interrupted uploads left under a prefix and
 * removes those idle longer than a given age. The store proves ownership;
 * this decides age, dry run and order, so every provider behaves the same.
 */
import { InvalidArgumentError } from "../errors.js";
import type { Leftover, LeftoverStore } from "./leftovers.js";

export interface CleanupOptions {
  /** Only leftovers idle at least this long (since their last activity) are removed. 0 takes all. */
  readonly olderThanMs: number;
  /** List what would be removed, remove nothing. */
  readonly dryRun?: boolean;
  /** The clock (tests); default the time the call starts. */
  readonly now?: Date;
  readonly signal?: AbortSignal;
  /** Called before each removal, e.g. to print progress. */
  readonly onRemove?: (leftover: Leftover) => void;
}

export interface CleanupResult {
  readonly location: string;
  readonly dryRun: boolean;
  /** Leftovers old enough: removed, or (dry run) those that would be. */
  readonly removed: readonly Leftover[];
  /** Tartape's leftovers younger than the age asked for: left, perhaps still being uploaded. */
  readonly tooRecent: readonly Leftover[];
  /** What the listing could not prove tartape's: never touched. */
  readonly notTartapes: number;
}

export async function cleanupLeftovers(store: LeftoverStore, options: CleanupOptions): Promise<CleanupResult> {
  if (!Number.isFinite(options.olderThanMs) || options.olderThanMs < 0) {
    throw new InvalidArgumentError(`The age of leftovers to remove must be 0 or more milliseconds, got ${options.olderThanMs}.`);
  }
  const signal = options.signal ?? new AbortController().signal;
  const now = (options.now ?? new Date()).getTime();
  const listing = await store.list(signal);
  const old = (l: Leftover) => now - l.lastActivity.getTime() >= options.olderThanMs;
  // Oldest first: an interrupted run stops having removed the most forgotten ones.
  const removed = listing.leftovers.filter(old).sort((a, b) => a.lastActivity.getTime() - b.lastActivity.getTime());
  const tooRecent = listing.leftovers.filter((l) => !old(l));
  const dryRun = options.dryRun ?? false;
  if (!dryRun) {
    for (const leftover of removed) {
      signal.throwIfAborted();
      options.onRemove?.(leftover);
      await store.remove(leftover, signal);
    }
  }
  return { location: store.location, dryRun, removed, tooRecent, notTartapes: listing.notTartapes };
}
