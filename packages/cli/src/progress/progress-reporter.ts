/**
 * Where upload progress goes: a live bar on a terminal, plain lines (at most
 * one every few seconds) into logs and pipes.
 */
import type { UploadProgress } from "@tartape/core";
import { BarReporter } from "./bar-reporter.js";
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
}

export function createProgressReporter(options: ReporterOptions): ProgressReporter {
  return options.stream.isTTY ? new BarReporter(options.stream) : new LineReporter(options.stream, options.lineIntervalMs);
}
