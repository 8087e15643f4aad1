import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import type { UploadProgress } from "@tartape/core";
import { JsonLinesReporter } from "./json-reporter.js";

function progress(bytesDone: number): UploadProgress {
  return { bytesDone, bytesTotal: 100, bytesSkipped: 0, partsDone: 0, partsSkipped: 0, partsTotal: 4, bytesPerSecond: 10, elapsedMs: 5 };
}

function lines(stream: PassThrough): Array<Record<string, unknown>> {
  const text = (stream.read() as Buffer | null)?.toString("utf8") ?? "";
  return text.split("\n").filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe("JsonLinesReporter", () => {
  it("writes the first report at once, at most one per interval after, and the held-back last one on stop", () => {
    const out = new PassThrough();
    let now = 0;
    const reporter = new JsonLinesReporter(out, 1000, () => now);
    reporter.update(progress(10));
    now = 500;
    reporter.update(progress(20));
    reporter.note("part 2 failed (attempt 1); trying again");
    now = 1000;
    reporter.update(progress(30));
    now = 1200;
    reporter.update(progress(40));
    reporter.stop();
    reporter.stop();
    reporter.update(progress(50));
    expect(lines(out).map((l) => [l.type, l.bytesDone ?? l.message])).toEqual([
      ["progress", 10],
      ["note", "part 2 failed (attempt 1); trying again"],
      ["progress", 30],
      ["progress", 40],
    ]);
  });
});
