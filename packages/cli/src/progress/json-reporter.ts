/**
 * `--progress=json`: one JSON object per line on stderr, for a program that
 * drives tartape. `{"type":"progress",...}` at most once per interval (and
 * the first and last at once), `{"type":"note","message":...}` for the news a
 * person would read between bar updates (docs/json-output.md).
 */
import type { UploadProgress } from "@tartape/core";
import type { ProgressReporter } from "./progress-reporter.js";

export const DEFAULT_JSON_INTERVAL_MS = 1000;

export class JsonLinesReporter implements ProgressReporter {
  private lastLineAt = Number.NEGATIVE_INFINITY;
  private pending: UploadProgress | undefined;
  private stopped = false;

  constructor(
    private readonly stream: NodeJS.WritableStream,
    private readonly intervalMs = DEFAULT_JSON_INTERVAL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  update(progress: UploadProgress): void {
    if (this.stopped) return;
    const t = this.now();
    if (t - this.lastLineAt < this.intervalMs) {
      this.pending = progress;
      return;
    }
    this.write(progress, t);
  }

  note(message: string): void {
    if (!this.stopped) this.stream.write(`${JSON.stringify({ type: "note", time: new Date(this.now()).toISOString(), message })}\n`);
  }

  /** The last report held back by the interval goes out, so a reader sees where the run ended. */
  stop(): void {
    if (this.stopped) return;
    if (this.pending !== undefined) this.write(this.pending, this.now());
    this.stopped = true;
  }

  private write(p: UploadProgress, t: number): void {
    this.lastLineAt = t;
    this.pending = undefined;
    this.stream.write(`${JSON.stringify({ type: "progress", time: new Date(t).toISOString(), ...p })}\n`);
  }
}
