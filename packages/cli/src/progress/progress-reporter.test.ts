import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { BarReporter } from "./bar-reporter.js";
import { JsonLinesReporter } from "./json-reporter.js";
import { LineReporter } from "./line-reporter.js";
import { createProgressReporter } from "./progress-reporter.js";

describe("createProgressReporter", () => {
  it("draws a bar on a terminal and writes plain lines anywhere else", () => {
    const tty = Object.assign(new PassThrough(), { isTTY: true });
    const pipe = new PassThrough();
    const bar = createProgressReporter({ stream: tty });
    expect(bar).toBeInstanceOf(BarReporter);
    bar.stop();
    expect(createProgressReporter({ stream: pipe })).toBeInstanceOf(LineReporter);
  });
});

describe("createProgressReporter with a format", () => {
  it("writes JSON lines for json, and only the notes for none", () => {
    const json = new PassThrough();
    expect(createProgressReporter({ stream: Object.assign(json, { isTTY: true }), format: "json" })).toBeInstanceOf(JsonLinesReporter);
    const none = new PassThrough();
    const reporter = createProgressReporter({ stream: none, format: "none" });
    reporter.update({ bytesDone: 1, bytesTotal: 2, bytesSkipped: 0, partsDone: 0, partsSkipped: 0, partsTotal: 1, bytesPerSecond: 1, elapsedMs: 1 });
    reporter.note("resumed");
    reporter.stop();
    expect((none.read() as Buffer).toString()).toBe("resumed\n");
  });
});
