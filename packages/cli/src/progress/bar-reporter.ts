/** Progress on a terminal: one live bar (cli-progress), with news lines printed above it. */
import cliProgress from "cli-progress";
import type { UploadProgress } from "@tartape/core";
import { describeProgress } from "./describe-progress.js";
import type { ProgressReporter } from "./progress-reporter.js";

const BAR_WIDTH = 24;

function drawBar(fraction: number): string {
  const filled = Math.max(0, Math.min(BAR_WIDTH, Math.floor(fraction * BAR_WIDTH)));
  return `[${"#".repeat(filled)}${"-".repeat(BAR_WIDTH - filled)}]`;
}

export class BarReporter implements ProgressReporter {
  private readonly bars: cliProgress.MultiBar;
  private bar: cliProgress.SingleBar | undefined;
  private stopped = false;

  constructor(private readonly stream: NodeJS.WritableStream) {
    this.bars = new cliProgress.MultiBar({
      stream,
      hideCursor: true,
      // tartape stops the bar itself on Ctrl-C, then explains how to resume.
      gracefulExit: false,
      fps: 5,
      format: (_options, params, payload: { progress?: UploadProgress }) =>
        payload.progress ? `${drawBar(params.progress)} ${describeProgress(payload.progress)}` : drawBar(0),
    });
  }

  update(progress: UploadProgress): void {
    if (this.stopped) return;
    if (!this.bar) this.bar = this.bars.create(Math.max(1, progress.bytesTotal), progress.bytesDone, { progress });
    else this.bar.update(progress.bytesDone, { progress });
  }

  note(message: string): void {
    if (this.bar && !this.stopped) this.bars.log(`${message}\n`);
    else this.stream.write(`${message}\n`);
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    if (!this.bar) return;
    // Flush notes logged since the last redraw, then leave the final bar on screen.
    this.bars.update();
    this.bars.stop();
  }
}
