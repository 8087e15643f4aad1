import { describe, expect, it } from "vitest";
import { stampAdjuster, type FolderStamp } from "./index-folder-stamp.js";
import type { ScannedEntry } from "./scan/scan.js";

function entry(realPath: string, kind: ScannedEntry["kind"], mtimeNs: bigint): ScannedEntry {
  return { arcPath: realPath.slice(1), realPath, kind, size: 0, mtimeNs, mode: 0o755, linkTarget: null };
}

const stamp: FolderStamp = { dir: "/data/ds/a", beforeNs: "1000000000000000000", afterNs: "1100000000000000000" };

describe("stampAdjuster: the stamp applied to entries as the walk hands them out", () => {
  it("puts the 'before' mtime on the stamped directory while it is at the 'after' mtime", () => {
    const adjust = stampAdjuster("/data/ds", stamp);
    const dir = entry("/data/ds/a", "dir", 1100000000000000000n);
    adjust?.(dir);
    expect(dir.mtimeNs).toBe(1000000000000000000n);
  });

  it("leaves it alone once it changed again, and leaves every other entry alone", () => {
    const adjust = stampAdjuster("/data/ds", stamp);
    const changed = entry("/data/ds/a", "dir", 1200000000000000000n);
    const other = entry("/data/ds/b", "dir", 1100000000000000000n);
    const file = entry("/data/ds/a", "file", 1100000000000000000n);
    for (const e of [changed, other, file]) adjust?.(e);
    expect([changed.mtimeNs, other.mtimeNs, file.mtimeNs]).toEqual([1200000000000000000n, 1100000000000000000n, 1100000000000000000n]);
  });

  it("is null when the stamped directory is outside the walked tree", () => {
    expect(stampAdjuster("/data/other", stamp)).toBeNull();
    expect(stampAdjuster("/data/ds/a/deeper", stamp)).toBeNull();
  });
});
