import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { BarReporter } from "./bar-reporter.js";
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
