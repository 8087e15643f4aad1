/**
 * Notices an index deleted (or replaced) while an upload runs. SQLite keeps
 * writing to a file that was unlinked under it without a word, so an upload
 * would go on recording parts where no later run can find them; the watch
 * stops it instead, and says why.
 */
import fs from "node:fs";

/** How often the index's file is looked at: a stat, so cheap; a part takes longer than this. */
const CHECK_EVERY_MS = 500;

function identity(file: string): string | undefined {
  try {
    const stat = fs.statSync(file);
    return `${stat.dev}:${stat.ino}`;
  } catch {
    return undefined;
  }
}

export class IndexWatch {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  /** The file as first seen: an index recorded during the upload counts from when it appears. */
  private seen: string | undefined;

  constructor(readonly indexPath: string) {
    this.seen = identity(indexPath);
    this.timer = setInterval(() => this.check(), CHECK_EVERY_MS);
    this.timer.unref();
  }

  /** Aborted once the index is gone or replaced by another file. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** True once the index was found gone or replaced (checked once more on each call). */
  get deleted(): boolean {
    this.check();
    return this.controller.signal.aborted;
  }

  /** Notes the index's file if it was not there before (the upload just recorded it). */
  notice(): void {
    if (this.seen === undefined) this.seen = identity(this.indexPath);
  }

  private check(): void {
    if (this.controller.signal.aborted) return;
    if (this.seen === undefined) return this.notice();
    const now = identity(this.indexPath);
    if (now !== this.seen) {
      clearInterval(this.timer);
      this.controller.abort(new Error(`${this.indexPath} was deleted or replaced`));
    }
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
