import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import type { UploadProgress } from "@tartape/core";
import { describeProgress, etaSeconds } from "./describe-progress.js";
import { LineReporter } from "./line-reporter.js";

const MiB = 1024 * 1024;

function progress(over: Partial<UploadProgress> = {}): UploadProgress {
  return { bytesDone: 0, bytesTotal: 10 * MiB, bytesSkipped: 0, partsDone: 0, partsSkipped: 0, partsTotal: 10, bytesPerSecond: 0, elapsedMs: 0, ...over };
}

function capture(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on("data", (b: Buffer) => chunks.push(b.toString()));
  return { stream, text: () => chunks.join("") };
}

describe("describeProgress", () => {
  it("says bytes, rate, ETA and parts", () => {
    const text = describeProgress(progress({ bytesDone: 4 * MiB, bytesPerSecond: 2 * MiB, partsDone: 4 }));
    expect(text).toBe(" 40% | 4 MiB of 10 MiB | 2 MiB/s | ETA 3s | parts 4/10");
  });

  it("says what a resume skipped", () => {
    const text = describeProgress(progress({ bytesDone: 3 * MiB, bytesSkipped: 3 * MiB, partsDone: 3, partsSkipped: 3 }));
    expect(text).toContain("resumed: 3 MiB in 3 part(s) skipped");
    expect(text).toContain("ETA --");
  });

  it("has no ETA before anything was sent, and 0 at the end", () => {
    expect(etaSeconds(progress())).toBe(Number.POSITIVE_INFINITY);
    expect(etaSeconds(progress({ bytesDone: 10 * MiB }))).toBe(0);
  });
});

describe("LineReporter", () => {
  it("prints the first report at once, then at most one line per interval", () => {
    let now = 0;
    const out = capture();
    const reporter = new LineReporter(out.stream, 5000, () => now);
    reporter.update(progress());
    now = 1000;
    reporter.update(progress({ bytesDone: MiB, partsDone: 1 }));
    now = 4999;
    reporter.update(progress({ bytesDone: 2 * MiB, partsDone: 2 }));
    now = 5000;
    reporter.update(progress({ bytesDone: 3 * MiB, partsDone: 3 }));
    now = 7000;
    reporter.update(progress({ bytesDone: 4 * MiB, partsDone: 4 }));
    const lines = out.text().trim().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^progress +0% \| 0 B of 10 MiB/);
    expect(lines[1]).toMatch(/^progress +30% \| 3 MiB of 10 MiB/);
  });

  it("prints notes as they come", () => {
    const out = capture();
    const reporter = new LineReporter(out.stream, 5000, () => 0);
    reporter.note("Part 3 failed (ECONNRESET); retrying, attempt 2");
    reporter.note("All 10 part(s) uploaded; completing the object");
    expect(out.text()).toBe("Part 3 failed (ECONNRESET); retrying, attempt 2\nAll 10 part(s) uploaded; completing the object\n");
  });
});
