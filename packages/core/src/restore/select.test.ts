import { describe, expect, it } from "vitest";
import { selectEntries } from "./select.js";

describe("selectEntries", () => {
  it("chooses everything without --only", () => {
    expect(selectEntries(undefined)("r/a")).toBe(true);
  });

  it("a path chooses the entry and its subtree, not a sibling sharing its prefix", () => {
    const only = selectEntries(["r/sub/"]);
    expect(["r/sub", "r/sub/a", "r/sub/d/e"].every(only)).toBe(true);
    expect(["r", "r/subway", "r/other"].some(only)).toBe(false);
  });

  it("a glob chooses matches and what lies beneath them", () => {
    const only = selectEntries(["r/*.txt", "r/d*"]);
    expect(["r/a.txt", "r/docs", "r/docs/x.bin"].every(only)).toBe(true);
    expect(["r/a.bin", "r/sub/a.txt", "r"].some(only)).toBe(false);
  });
});
