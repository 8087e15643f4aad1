import { describe, expect, it } from "vitest";
import { InvalidArgumentError } from "@tartape/core/tape";
import { parseDuration } from "./duration.js";

describe("parseDuration", () => {
  it.each([
    ["0s", 0],
    ["45s", 45_000],
    ["90m", 90 * 60_000],
    ["36h", 36 * 3_600_000],
    ["7d", 7 * 86_400_000],
    ["2w", 14 * 86_400_000],
    [" 7d ", 7 * 86_400_000],
  ])("reads %j", (text, ms) => {
    expect(parseDuration(text, "--older-than")).toBe(ms);
  });

  it.each(["7", "", "7x", "-1d", "1.5h", "7 d", "d", "7D", "99999999999999999d"])("refuses %j with a one-line message naming the option", (text) => {
    let thrown: unknown;
    try {
      parseDuration(text, "--older-than");
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(InvalidArgumentError);
    expect((thrown as InvalidArgumentError).code).toBe("INVALID_ARGUMENT");
    expect((thrown as Error).message).toMatch(/^Invalid --older-than '.*': use a whole number with a unit, s, m, h, d or w \(e\.g\. 0s, 90m, 7d\)\.$/);
    expect((thrown as Error).message).not.toContain("\n");
  });
});
