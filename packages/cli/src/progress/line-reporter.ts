/** Progress for logs and pipes: one plain line now and then, never a flood. */
import type { UploadProgress } from "@tartape/core";
import { describeProgress } from "./describe-progress.js";
import type { ProgressReporter } from "./progress-reporter.js";

export const DEFAULT_LINE_INTERVAL_MS = 5000;

export class LineReporter implements ProgressReporter {
  private lastLineAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly stream: NodeJS.WritableStream,
    private readonly intervalMs = DEFAULT_LINE_INTERVAL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  update(progress: UploadProgress): void {
    const t = this.now();
    // The first report goes out at once: it shows where a resumed upload starts.
    if (t - this.lastLineAt < this.intervalMs) return;
    this.lastLineAt = t;
    this.stream.write(`progress ${describeProgress(progress)}\n`);
  }

  note(message: string): void {
    this.stream.write(`${message}\n`);
  }

  stop(): void {}
}
