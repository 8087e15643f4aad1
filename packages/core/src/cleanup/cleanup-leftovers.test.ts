import { describe, expect, it } from "vitest";
import { cleanupLeftovers } from "./cleanup-leftovers.js";
import type { Leftover, LeftoverListing, LeftoverStore } from "./leftovers.js";

const HOUR = 3600_000;
const NOW = new Date("2026-01-10T12:00:00Z");

function leftover(uploadId: string, hoursAgo: number): Leftover {
  return { kind: "multipart-upload", object: `s3://b/${uploadId}.tar`, key: `${uploadId}.tar`, uploadId, lastActivity: new Date(NOW.getTime() - hoursAgo * HOUR), bytes: 10, pieces: 2, proof: "test" };
}

/** A store holding leftovers in memory, removing them for real. */
class MemoryStore implements LeftoverStore {
  readonly location = "mem://b/";
  readonly removedIds: string[] = [];
  constructor(
    private held: Leftover[],
    private readonly foreign = 0,
  ) {}
  async list(): Promise<LeftoverListing> {
    return { leftovers: [...this.held], notTartapes: this.foreign };
  }
  async remove(l: Leftover): Promise<void> {
    this.removedIds.push(l.uploadId);
    this.held = this.held.filter((h) => h.uploadId !== l.uploadId);
  }
}

describe("cleanupLeftovers", () => {
  it("removes only leftovers idle at least as long as asked, oldest first", async () => {
    const store = new MemoryStore([leftover("new", 1), leftover("week", 24 * 8), leftover("month", 24 * 30)], 3);
    const result = await cleanupLeftovers(store, { olderThanMs: 7 * 24 * HOUR, now: NOW });
    expect(store.removedIds).toEqual(["month", "week"]);
    expect(result.removed.map((l) => l.uploadId)).toEqual(["month", "week"]);
    expect(result.tooRecent.map((l) => l.uploadId)).toEqual(["new"]);
    expect(result).toMatchObject({ dryRun: false, notTartapes: 3, location: "mem://b/" });
    expect((await store.list()).leftovers.map((l) => l.uploadId)).toEqual(["new"]);
  });

  it("a dry run lists the same and removes nothing", async () => {
    const store = new MemoryStore([leftover("a", 0), leftover("b", 2)]);
    const result = await cleanupLeftovers(store, { olderThanMs: 0, now: NOW, dryRun: true });
    expect(result.removed.map((l) => l.uploadId)).toEqual(["b", "a"]);
    expect(store.removedIds).toEqual([]);
  });

  it("an age of 0 takes a leftover that is just now active", async () => {
    const store = new MemoryStore([leftover("now", 0)]);
    expect((await cleanupLeftovers(store, { olderThanMs: 0, now: NOW })).removed).toHaveLength(1);
  });

  it.each([-1, Number.NaN, Infinity])("refuses the age %s", async (age) => {
    await expect(cleanupLeftovers(new MemoryStore([]), { olderThanMs: age })).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
  });

  it("stops before the next removal once aborted", async () => {
    const controller = new AbortController();
    const store = new MemoryStore([leftover("a", 5), leftover("b", 4)]);
    const run = cleanupLeftovers(store, { olderThanMs: 0, now: NOW, signal: controller.signal, onRemove: () => controller.abort() });
    await expect(run).rejects.toThrow();
    expect(store.removedIds).toEqual(["a"]);
  });
});
