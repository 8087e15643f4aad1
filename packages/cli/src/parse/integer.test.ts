import { describe, expect, it } from "vitest";
import { parseOffset, parsePositiveInteger } from "./integer.js";

describe("parseOffset", () => {
  it.each([
    ["0", 0],
    ["512", 512],
    [" 42 ", 42],
    ["9007199254740991", Number.MAX_SAFE_INTEGER],
  ])("reads %j as %d", (text, value) => {
    expect(parseOffset(text, "--from")).toBe(value);
  });

  it.each([
    ["abc", /Invalid --from 'abc': it is not a whole number/],
    ["", /not a whole number/],
    ["1.5", /not a whole number/],
    ["1e3", /not a whole number/],
    ["0x10", /not a whole number/],
    ["-5", /Invalid --from '-5': it is negative/],
    ["9007199254740993", /Invalid --from '9007199254740993': it is too large \(at most 9007199254740991\)/],
  ])("refuses %j", (text, message) => {
    expect(() => parseOffset(text, "--from")).toThrow(message);
  });
});

describe("parsePositiveInteger", () => {
  it("reads counts of 1 or more", () => {
    expect(parsePositiveInteger("1", "--concurrency")).toBe(1);
    expect(parsePositiveInteger("16", "--concurrency")).toBe(16);
    expect(() => parsePositiveInteger("9999999999999999999", "--concurrency")).toThrow(/--concurrency '9999999999999999999': it is too large/);
  });

  it.each([
    ["0", /at least 1/],
    ["-2", /negative/],
    ["four", /not a whole number/],
  ])("refuses %j", (text, message) => {
    expect(() => parsePositiveInteger(text, "--concurrency")).toThrow(message);
  });
});
