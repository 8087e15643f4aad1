/**
 * The common-header shortcut must give exactly the general encoder's bytes
 * whenever it answers, and must decline whatever it cannot encode. (The spec
 * tests in header.test.ts reach it through encodeHeader.)
 */
import { describe, expect, it } from "vitest";
import { random as seeded } from "../test-util/fs.js";
import type { EntryKind } from "../types.js";
import { encodeCommonHeader } from "./common-header.js";
import { encodeAnyHeader, type HeaderFields } from "./header.js";

const ALPHABET = "abcXYZ019 -_.~!/";

function randomFields(random: () => number): HeaderFields {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const text = (length: number) => Array.from({ length }, () => pick([...ALPHABET])).join("");
  const kind = pick<EntryKind>(["file", "dir", "symlink"]);
  const pathLength = pick([1, 5, 40, 98, 99, 100, 101, 150]);
  return {
    arcPath: text(pathLength).replace(/^\/+|\/+$/g, "a") || "a",
    kind,
    size: pick([0, 1, 511, 512, 4096, 2 ** 33 - 1, 2 ** 33, 2 ** 40]),
    mtimeSeconds: pick([0, 1, 1_700_000_000, 0o77777777777, 0o77777777777 + 1, -1]),
    mode: pick([0o644, 0o755, 0o600, 0o700, 0o4711]),
    linkTarget: kind === "symlink" ? text(pick([1, 60, 100, 101])) : null,
  };
}

function common(fields: HeaderFields): Buffer | null {
  return encodeCommonHeader(fields);
}

describe("encodeCommonHeader", () => {
  it("gives the general encoder's bytes for every entry it encodes, over 20,000 seeded random entries", () => {
    const random = seeded(20261125);
    let encoded = 0;
    for (let i = 0; i < 20_000; i++) {
      const fields = randomFields(random);
      const fast = common(fields);
      if (fast === null) continue;
      encoded++;
      expect(fast.equals(encodeAnyHeader(fields)), JSON.stringify(fields)).toBe(true);
    }
    expect(encoded).toBeGreaterThan(5_000);
  });

  it("declines exactly what a single ASCII ustar block without a prefix cannot hold", () => {
    const base: HeaderFields = { arcPath: "a", kind: "file", size: 1, mtimeSeconds: 1, mode: 0o644, linkTarget: null };
    expect(common(base)).not.toBeNull();
    expect(common({ ...base, arcPath: "x".repeat(100) })).not.toBeNull();
    expect(common({ ...base, arcPath: "x".repeat(101) })).toBeNull(); // needs the prefix split or PAX
    expect(common({ ...base, kind: "dir", arcPath: "x".repeat(99) })).not.toBeNull();
    expect(common({ ...base, kind: "dir", arcPath: "x".repeat(100) })).toBeNull(); // the slash makes 101
    expect(common({ ...base, arcPath: "caf\u00e9" })).toBeNull(); // UTF-8 goes through the general encoder
    expect(common({ ...base, arcPath: "nul\u0000" })).toBeNull();
    expect(common({ ...base, kind: "symlink", linkTarget: "t".repeat(100) })).not.toBeNull();
    expect(common({ ...base, kind: "symlink", linkTarget: "t".repeat(101) })).toBeNull();
    expect(common({ ...base, kind: "symlink", linkTarget: "\u65e5" })).toBeNull();
    expect(common({ ...base, size: 0o77777777777 })).not.toBeNull();
    expect(common({ ...base, size: 0o77777777777 + 1 })).toBeNull(); // base-256 size
    expect(common({ ...base, kind: "dir", size: 0o77777777777 + 1 })).not.toBeNull(); // a dir's size is 0 whatever was scanned
    expect(common({ ...base, mtimeSeconds: -1 })).toBeNull();
    expect(common({ ...base, mtimeSeconds: 0o77777777777 + 1 })).toBeNull();
  });
});
