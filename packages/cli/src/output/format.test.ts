import { describe, expect, it } from "vitest";
import { formatDuration, formatElapsed, formatPercent, formatSizeExact, shellQuote } from "./format.js";

describe("formatDuration", () => {
  it.each([
    [0, "0s"],
    [0.2, "1s"],
    [45, "45s"],
    [185, "3m05s"],
    [7620, "2h07m"],
    [Number.POSITIVE_INFINITY, "--"],
    [-1, "--"],
  ])("%d s reads %s", (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });
});

describe("formatElapsed", () => {
  it.each([
    [0.2, "0.2s"],
    [1.5, "1.5s"],
    [9.94, "9.9s"],
    [9.96, "10s"],
    [45.4, "45s"],
    [185.6, "3m06s"],
    [-1, "--"],
  ])("%d s reads %s (never rounded up to look slower)", (seconds, text) => {
    expect(formatElapsed(seconds)).toBe(text);
  });
});

describe("formatPercent", () => {
  it("never rounds up to 100% before the end", () => {
    expect(formatPercent(999_999, 1_000_000)).toBe("99%");
    expect(formatPercent(1_000_000, 1_000_000)).toBe("100%");
    expect(formatPercent(0, 0)).toBe("100%");
    expect(formatPercent(1, 3)).toBe("33%");
  });
});

describe("formatSizeExact", () => {
  it("gives the readable and the exact size", () => {
    expect(formatSizeExact(100)).toBe("100 bytes");
    expect(formatSizeExact(3 * 1024 * 1024)).toBe("3 MiB (3145728 bytes)");
  });
});

describe("shellQuote", () => {
  it("leaves plain words alone and quotes the rest so a shell reads them back", () => {
    expect(shellQuote("s3://bucket/key.tar")).toBe("s3://bucket/key.tar");
    expect(shellQuote("my dir")).toBe("'my dir'");
    expect(shellQuote("it's")).toBe("'it'\\''s'");
    expect(shellQuote("*.tmp")).toBe("'*.tmp'");
  });
});
