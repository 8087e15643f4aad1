import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import type { UploadProgress } from "@tartape/core";
import { BarReporter } from "./bar-reporter.js";

const MiB = 1024 * 1024;

function fakeTerminal(): { stream: PassThrough & { isTTY: true; columns: number }; text: () => string } {
  const stream = Object.assign(new PassThrough(), { isTTY: true as const, columns: 200 });
  const chunks: string[] = [];
  stream.on("data", (b: Buffer) => chunks.push(b.toString()));
  return { stream, text: () => chunks.join("") };
}

const progress: UploadProgress = {
  bytesDone: 6 * MiB,
  bytesTotal: 10 * MiB,
  bytesSkipped: 2 * MiB,
  partsDone: 6,
  partsSkipped: 2,
  partsTotal: 10,
  bytesPerSecond: 2 * MiB,
  elapsedMs: 2000,
};

describe("BarReporter", () => {
  it("draws the bar with bytes, rate, ETA, parts and resumed bytes, notes above it, and leaves the last state on screen", () => {
    const term = fakeTerminal();
    const reporter = new BarReporter(term.stream);
    reporter.update(progress);
    reporter.note("Resuming upload u1: 2 part(s) already at the destination");
    reporter.stop();
    const text = term.text();
    expect(text).toContain("[##############----------]  60% | 6 MiB of 10 MiB | 2 MiB/s | ETA 2s | parts 6/10 | resumed: 2 MiB in 2 part(s) skipped");
    expect(text).toContain("Resuming upload u1: 2 part(s) already at the destination\n");
    // The cursor it hid comes back.
    expect(text).toContain("\u001b[?25h");
  });

  it("writes notes as plain lines before the bar exists and after it stopped", () => {
    const term = fakeTerminal();
    const reporter = new BarReporter(term.stream);
    reporter.note("before");
    reporter.stop();
    reporter.stop();
    reporter.note("after");
    expect(term.text()).toBe("before\nafter\n");
  });
});
