import { describe, expect, it } from "vitest";
import { parseSeconds } from "./seconds.js";

describe("parseSeconds", () => {
  it("reads whole and decimal seconds", () => {
    expect(parseSeconds("30", "--idle-timeout")).toBe(30);
    expect(parseSeconds(" 2.5 ", "--idle-timeout")).toBe(2.5);
  });

  it.each(["0", "-1", "abc", "1e3", "", "2s"])("refuses %j, naming the option", (text) => {
    expect(() => parseSeconds(text, "--idle-timeout")).toThrow(/^Invalid --idle-timeout '.*': use a number of seconds greater than 0/);
  });
});
