/**
 * Where upload progress goes: a live bar on a terminal, plain lines (at most
 * one every few seconds) into logs and pipes.
 */
import type { UploadProgress } from "@tartape/core";
import { BarReporter } from "./bar-reporter.js";
import { JsonLinesReporter } from "./json-reporter.js";
import type { ProgressFormat } from "./progress-format.js";
import { LineReporter } from "./line-reporter.js";

export interface ProgressReporter {
  update(progress: UploadProgress): void;
  /** A line of news (a retry, a resume) that must not garble the bar. */
  note(message: string): void;
  /** Stops drawing; idempotent. */
  stop(): void;
}

export interface ReporterOptions {
  readonly stream: NodeJS.WritableStream & { isTTY?: boolean };
  /** Least time between two plain progress lines (default 5 s). */
  readonly lineIntervalMs?: number;
  readonly format?: ProgressFormat;
}



export function createProgressReporter(options: ReporterOptions): ProgressReporter {
  if (options.format === "json") return new JsonLinesReporter(options.stream, options.lineIntervalMs);
  // No progress, but the news (retries, resumes) still says what happens.
  if (options.format === "none") return { update() {}, note: (message) => void options.stream.write(`${message}\n`), stop() {} };
  return options.stream.isTTY ? new BarReporter(options.stream) : new LineReporter(options.stream, options.lineIntervalMs);
}
