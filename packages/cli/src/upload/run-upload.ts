/**
 * One upload run as the command line does it, shared by `upload` and `demo`:
 * record first when needed (so left-out special files are listed), report
 * progress and events, log events, turn Ctrl-C into a clean stop, and say
 * how it ended.
 */
import path from "node:path";
import {
  IndexNotFoundError,
  openTape,
  record,
  TargetError,
  TartapeError,
  uploadTape,
  type Target,
  type UploadEvent,
  type UploadProgress,
  type UploadResult,
} from "@tartape/core";
import { InterruptedError } from "../interrupted-error.js";
import { describeRecording } from "../output/record-summary.js";
import { recordingNotice } from "../output/recording-notice.js";
import { describeUploadResult } from "../output/upload-summary.js";
import { createProgressReporter } from "../progress/progress-reporter.js";
import { describeEvent } from "./describe-event.js";
import { eventLogWriter } from "./event-log.js";
import { abortOnInterrupt } from "./interrupt.js";

export interface UploadRun {
  readonly dir: string;
  readonly target: Target;
  readonly concurrency?: number | undefined;
  readonly restart?: boolean | undefined;
  readonly indexPath?: string | undefined;
  /** The exclude list the user asked for, used if the tape has to be recorded (default: the standard list). */
  readonly excludes?: readonly string[] | undefined;
  /** `--event-log FILE`. */
  readonly eventLog?: string | undefined;
  /** The command that resumes this upload, shown after an interruption. */
  readonly resumeCommand: string;
  /** Least time between plain progress lines when stderr is not a terminal. */
  readonly progressIntervalMs?: number | undefined;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/**
 * Records the tape when no index exists yet, and lists what was left out
 * (the driver would record silently). With an index already there, says so
 * if the exclude flags given differ from the ones it was recorded with.
 */
async function recordIfMissing(run: UploadRun): Promise<void> {
  const indexPath = run.indexPath;
  try {
    const tape = openTape(run.dir, indexPath !== undefined ? { indexPath } : {});
    const recordedWith = tape.meta.excludes;
    tape.close();
    if (run.excludes !== undefined && !sameList(run.excludes, recordedWith)) {
      process.stderr.write(
        `Note: the tape was recorded with the exclude list [${recordedWith.join(", ")}]; exclude flags apply only when recording. ` +
          "Use --restart (or `tartape record --force`) to record again with the new list.\n",
      );
    }
    return;
  } catch (err) {
    if (!(err instanceof IndexNotFoundError)) throw err;
  }
  recordingNotice(path.resolve(run.dir), process.stderr);
  const result = await record(run.dir, {
    leaveOut: run.target.isOwnFile?.bind(run.target),
    ...(run.excludes !== undefined ? { excludes: run.excludes } : {}),
    ...(indexPath !== undefined ? { indexPath } : {}),
  });
  process.stdout.write(describeRecording(path.resolve(run.dir), result));
}

export async function runUpload(run: UploadRun): Promise<UploadResult> {
  const dir = path.resolve(run.dir);
  // Opened first: a log that cannot be written should fail before anything else happens.
  const log = run.eventLog !== undefined ? eventLogWriter(run.eventLog) : undefined;
  // --restart records again anyway, inside the driver.
  if (!run.restart) await recordIfMissing(run);

  const reporter = createProgressReporter({ stream: process.stderr, ...(run.progressIntervalMs !== undefined ? { lineIntervalMs: run.progressIntervalMs } : {}) });
  let latest: UploadProgress | undefined;
  const interrupt = abortOnInterrupt((signal) => {
    reporter.stop();
    process.stderr.write(`\n${signal}: stopping the parts in flight (press Ctrl-C again to quit at once)...\n`);
  });

  process.stderr.write(`Uploading ${dir} to ${run.target.id}\n`);
  const started = Date.now();
  try {
    const result = await uploadTape(dir, run.target, {
      signal: interrupt.signal,
      ...(run.concurrency !== undefined ? { concurrency: run.concurrency } : {}),
      ...(run.restart ? { restart: true } : {}),
      ...(run.indexPath !== undefined ? { indexPath: run.indexPath } : {}),
      ...(run.excludes !== undefined ? { excludes: run.excludes } : {}),
      onProgress: (p) => {
        latest = p;
        reporter.update(p);
      },
      onEvent: (event: UploadEvent) => {
        log?.(event);
        const line = describeEvent(event);
        if (line !== null) reporter.note(line);
      },
    });
    reporter.stop();
    process.stdout.write(describeUploadResult(dir, result, Date.now() - started));
    return result;
  } catch (err) {
    reporter.stop();
    const done = latest ? `${latest.partsDone} of ${latest.partsTotal} part(s) are uploaded and recorded in the index. ` : "";
    if (interrupt.received !== undefined) {
      throw new InterruptedError(interrupt.received, `Interrupted by ${interrupt.received}. ${done}Run the same command again to resume:\n  ${run.resumeCommand}`);
    }
    // A failure another run can get past: say that nothing sent so far is lost.
    if (latest && latest.partsDone > 0 && (err instanceof TargetError || !(err instanceof TartapeError))) {
      process.stderr.write(`${done}Once the problem is fixed, run the same command again to resume.\n`);
    }
    throw err;
  } finally {
    interrupt.dispose();
  }
}
