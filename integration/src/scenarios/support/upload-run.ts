/** uploadTape runs whose events a test looks at afterwards, and runs interrupted on purpose. */
import { uploadTape, type Target, type UploadEvent, type UploadOptions, type UploadResult } from "@tartape/core";
import { expectTypedError } from "./typed-error.js";

export interface UploadRun<T extends Target> {
  readonly run: Promise<UploadResult>;
  /** Every event so far, in order. */
  readonly events: UploadEvent[];
  readonly target: T;
}

/** Starts uploadTape, keeping its events (each still goes to `options.onEvent` too). */
export function uploadKeepingEvents<T extends Target>(dir: string, target: T, options: UploadOptions = {}): UploadRun<T> {
  const events: UploadEvent[] = [];
  const run = uploadTape(dir, target, { ...options, onEvent: (e) => (events.push(e), options.onEvent?.(e)) });
  return { run, events, target };
}

/** The part numbers of the events of `type`, in ascending order (a part retried appears again). */
export function partsOf(events: readonly UploadEvent[], type: "part-start" | "part-done"): number[] {
  return events.flatMap((e) => (e.type === type ? [e.part.number] : [])).sort((a, b) => a - b);
}

/**
 * Starts an upload through `start` with `concurrency` parts at a time, aborts it
 * through its signal once `partsDone` parts are acknowledged, and checks that it
 * failed as an interrupted run must (UPLOAD_ABORTED, saying to run it again).
 */
export async function interruptUpload(
  start: (options: UploadOptions) => UploadRun<Target>,
  partsDone: number,
  concurrency: number,
): Promise<{ uploadId: string; done: Set<number>; events: UploadEvent[] }> {
  const controller = new AbortController();
  let done = 0;
  const first = start({
    concurrency,
    signal: controller.signal,
    onEvent: (e) => {
      if (e.type === "part-done" && ++done === partsDone) controller.abort(new Error("test interrupts the upload"));
    },
  });
  await expectTypedError(first.run, "UPLOAD_ABORTED", "Run the same command again to resume");
  const created = first.events.find((e) => e.type === "upload-created");
  if (created?.type !== "upload-created") throw new Error("the interrupted upload never created an upload");
  return { uploadId: created.uploadId, done: new Set(partsOf(first.events, "part-done")), events: first.events };
}
