/**
 * The upload driver: records (or opens) the tape of a directory, plans its
 * parts, reconciles with what the server already holds, uploads the rest
 * concurrently, and completes the object. Every acknowledged part is written
 * to the index at once, so running the same call again after any interruption
 * sends only what is missing.
 */
import path from "node:path";
import pLimit from "p-limit";
import { OPTION_WORDS } from "../option-words.js";
import { IndexNotFoundError, IntegrityMismatchError, TapeChangedError, TartapeError, UploadAbortedError } from "../errors.js";
import type { PartRecord, UploadRecord } from "../index/tape-index.js";
import { defaultIndexPath, record } from "../record.js";
import type { SkippedEntry } from "../scan/scan.js";
import { openTape, type Tape } from "../tape/tape.js";
import { changedPaths, confirmCompleted } from "./completed-check.js";
import { uploadContext } from "./context.js";
import { VolumePartBody } from "./part-body.js";
import { partSpec, planParts, type PartPlan } from "./plan.js";
import { ProgressTracker, type UploadProgress } from "./progress.js";
import { withRetry, type RetryPolicy } from "./retry.js";
import { partDigestTap, publishCatalog, type CatalogOutcome } from "../catalog/publish.js";
import { createAndRecord, UnrecordedCleanup, type UnrecordedReport } from "./unrecorded.js";
import { checkPartSize, settleOtherOptions } from "./upload-options.js";
import type { CompletedObject, PartReceipt, PartSpec, Target, UploadContext } from "./target.js";

/** Fine-grained happenings, for logs and tests. */
export type UploadEvent =
  | {
      readonly type: "recorded";
      readonly fingerprint: string;
      readonly totalSize: number;
      readonly entryCount: number;
      /** Special files left out of the tape (sockets, FIFOs, devices). */
      readonly skipped: readonly SkippedEntry[];
    }
  | { readonly type: "upload-created"; readonly uploadId: string }
  | { readonly type: "upload-resumed"; readonly uploadId: string; readonly partsOnServer: number }
  | { readonly type: "upload-lost"; readonly uploadId: string }
  /** restart aborted an upload in progress to the same object made with other options (e.g. another S3 checksum). */
  | { readonly type: "upload-replaced"; readonly targetId: string; readonly uploadId: string; readonly options: Readonly<Record<string, string>> }
  /** The planner chose a larger part size than asked for (or than the default): the target allows only `maxParts` parts. */
  | {
      readonly type: "part-size-raised";
      /** The size asked for (`requested`), or the default. */
      readonly from: number;
      readonly requested: boolean;
      readonly partSize: number;
      readonly partCount: number;
      /** Parts the tape would take at `from`. */
      readonly partsNeeded: number;
      readonly maxParts: number;
    }
  /** The index said this tape was uploaded, but the destination no longer holds it: it is uploaded again. */
  | { readonly type: "completed-object-missing"; readonly uploadId: string }
  | { readonly type: "part-start"; readonly part: PartSpec; readonly attempt: number }
  | { readonly type: "part-retry"; readonly part: PartSpec; readonly attempt: number; readonly error: unknown }
  | { readonly type: "part-done"; readonly part: PartSpec; readonly receipt: PartReceipt }
  | { readonly type: "completing"; readonly parts: number };

export interface UploadOptions {
  /** Parts in flight at once (default 4). Part bodies are streamed, never held whole: memory does not grow with the part size. */
  readonly concurrency?: number;
  readonly signal?: AbortSignal;
  /** Called at most every 100 ms while bytes flow, and after every part. */
  readonly onProgress?: (progress: UploadProgress) => void;
  readonly onEvent?: (event: UploadEvent) => void;
  readonly retry?: RetryPolicy;
  /** Abort the upload recorded for this target, record the tape again, and start over. */
  readonly restart?: boolean;
  /** Overrides the target's part size. */
  readonly partSize?: number;
  /** Fail instead of raising the part size when the tape needs more parts than the target allows. */
  readonly fixedPartSize?: boolean;
  /** Where the index lives, when not in `<dir>/.tartape`. */
  readonly indexPath?: string;
  /** Exclude patterns used when the tape has to be recorded. */
  readonly excludes?: readonly string[];
}

export interface UploadResult {
  /** `completed` by this call, or `already-complete` from an earlier one (nothing was sent). */
  readonly status: "completed" | "already-complete";
  readonly targetId: string;
  readonly uploadId: string;
  readonly fingerprint: string;
  readonly totalSize: number;
  readonly partSize: number;
  readonly partCount: number;
  readonly partsUploaded: number;
  readonly partsSkipped: number;
  readonly bytesUploaded: number;
  readonly bytesSkipped: number;
  readonly object: CompletedObject;
  /**
   * Present when an earlier createUpload may have left an upload on the server
   * without the index learning its id (a run killed at that moment, or an
   * answer lost and the call sent again): what looking for those found.
   */
  readonly unrecorded?: UnrecordedReport;
  /** The catalog next to the object (docs/catalog-format.md): written by this call, already there, or not kept by this target. */
  readonly catalog?: CatalogOutcome;
}

/** Tapes this call recorded itself: a restart need not record them again. */
const freshlyRecorded = new WeakSet<Tape>();

async function openOrRecord(dir: string, target: Target, options: UploadOptions, emit: (e: UploadEvent) => void, overwrite = false): Promise<Tape> {
  const indexPath = options.indexPath ?? defaultIndexPath(dir);
  if (!overwrite) {
    try {
      return openTape(dir, { indexPath });
    } catch (err) {
      if (!(err instanceof IndexNotFoundError)) throw err;
    }
  }
  const leaveOut = target.isOwnFile?.bind(target);
  const result = await record(dir, { indexPath, overwrite: true, leaveOut, ...(options.excludes ? { excludes: options.excludes } : {}) });
  emit({ type: "recorded", fingerprint: result.fingerprint, totalSize: result.totalSize, entryCount: result.entryCount, skipped: result.skipped });
  const tape = openTape(dir, { indexPath });
  freshlyRecorded.add(tape);
  return tape;
}

function receiptOf(p: PartRecord): PartReceipt {
  return { number: p.number, size: p.end - p.start, etag: p.etag, checksum: p.checksum };
}

export async function uploadTape(dir: string, target: Target, options: UploadOptions = {}): Promise<UploadResult> {
  const root = path.resolve(dir);
  const emit = (e: UploadEvent) => options.onEvent?.(e);
  const concurrency = options.concurrency ?? 4;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new TartapeError("INVALID_ARGUMENT", `Concurrency must be a whole number of at least 1, got ${concurrency}.`);
  options.signal?.throwIfAborted();

  let tape = await openOrRecord(root, target, options, emit);
  const cleanup = new UnrecordedCleanup(target, options.retry);
  const withReport = (result: UploadResult): UploadResult => (cleanup.report ? { ...result, unrecorded: cleanup.report } : result);
  try {
    await cleanup.run(tape, options.signal);
    for (const r of await settleOtherOptions(tape, target, options)) emit({ type: "upload-replaced", ...r });
    let state = tape.index.upload(target.id);

    if (options.restart) {
      if (state?.status === "in-progress") {
        // The upload's own fingerprint: the tape may have been recorded again since it began.
        const ctx = uploadContext(tape, state, options.signal);
        await withRetry(() => target.abort(state!.uploadId, ctx), options.retry, { signal: options.signal });
      }
      tape.index.deleteUpload(target.id);
      if (!freshlyRecorded.has(tape)) {
        tape.close();
        tape = await openOrRecord(root, target, options, emit, true);
      }
      state = undefined;
    }

    if (state?.status === "completed") {
      const held = await confirmCompleted(root, tape, target, state, options);
      if (held) return withReport(await withCatalog(tape, target, alreadyComplete(tape, target, { ...state, result: held }), options));
      emit({ type: "completed-object-missing", uploadId: state.uploadId });
      tape.index.deleteUpload(target.id);
      state = undefined;
    }

    if (state && state.fingerprint !== tape.fingerprint) {
      throw new TapeChangedError(
        `The tape of ${root} was recorded again since the upload to ${target.id} began (fingerprint ${state.fingerprint.slice(0, 12)} then, ${tape.fingerprint.slice(0, 12)} now), ` +
          `so the parts already uploaded belong to another tape. Run again with ${OPTION_WORDS.restart} to abort that upload and start over.`,
      );
    }

    if (state) checkPartSize(state, target, options.partSize ?? target.partSize, options.fixedPartSize);
    // Parts uploaded earlier are only valid if no file changed since recording.
    const changed = await changedPaths(tape);
    if (changed.length > 0) {
      if (state) {
        throw new TapeChangedError(
          `${changed.length} path(s) changed since ${root} was recorded and the upload to ${target.id} began:\n  ${changed.slice(0, 20).join("\n  ")}\n` +
            `The parts already uploaded hold the old bytes. Run again with ${OPTION_WORDS.restart} to record the directory again and start over.`,
          changed,
        );
      }
      // Nothing uploaded yet: a fresh snapshot is all it takes.
      tape.close();
      tape = await openOrRecord(root, target, options, emit, true);
    }

    return withReport(await withCatalog(tape, target, await runUpload(tape, target, state, options, emit, cleanup), options));
  } finally {
    tape.close();
  }
}

/** Writes the catalog once the object is complete; an object found complete keeps a matching catalog already there. */
async function withCatalog(tape: Tape, target: Target, result: UploadResult, options: UploadOptions): Promise<UploadResult> {
  const mode = result.status === "completed" ? "always" : "if-missing";
  return { ...result, catalog: await publishCatalog(tape, target, { mode, retry: options.retry, signal: options.signal }) };
}

function alreadyComplete(tape: Tape, target: Target, state: UploadRecord): UploadResult {
  return {
    status: "already-complete",
    targetId: target.id,
    uploadId: state.uploadId,
    fingerprint: tape.fingerprint,
    totalSize: tape.totalSize,
    partSize: state.partSize,
    partCount: state.partCount,
    partsUploaded: 0,
    partsSkipped: state.partCount,
    bytesUploaded: 0,
    bytesSkipped: tape.totalSize,
    object: (state.result as CompletedObject | null) ?? { size: tape.totalSize },
  };
}

async function runUpload(
  tape: Tape,
  target: Target,
  state: UploadRecord | undefined,
  options: UploadOptions,
  emit: (e: UploadEvent) => void,
  cleanup: UnrecordedCleanup,
): Promise<UploadResult> {
  const index = tape.index;
  const plan: PartPlan = state
    ? { partSize: state.partSize, partCount: state.partCount }
    : planParts({ totalSize: tape.totalSize, limits: target.limits, partSize: options.partSize ?? target.partSize, fixedPartSize: options.fixedPartSize });
  if (plan.raisedFrom !== undefined) {
    const requested = (options.partSize ?? target.partSize) !== undefined;
    const partsNeeded = Math.ceil(tape.totalSize / plan.raisedFrom);
    emit({ type: "part-size-raised", from: plan.raisedFrom, requested, partSize: plan.partSize, partCount: plan.partCount, partsNeeded, maxParts: target.limits.maxParts });
  }

  // Parts that fail stop new ones from starting; in-flight parts get this signal too.
  const stop = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  const ctx = uploadContext(tape, plan, signal);
  const hooks = { signal };

  const done = new Map<number, PartReceipt>();
  let uploadId: string;
  if (state) {
    uploadId = state.uploadId;
    const recorded = index.parts(target.id).map(receiptOf);
    const onServer = await withRetry(() => target.listParts(uploadId, ctx, recorded), options.retry, hooks);
    if (onServer === null) {
      emit({ type: "upload-lost", uploadId });
      const finished = await findCompleted(target, ctx, options);
      if (finished) {
        index.completeUpload(target.id, finished);
        return alreadyComplete(tape, target, { ...state, result: finished });
      }
      uploadId = await startUpload(tape, target, plan, ctx, options, emit, cleanup);
    } else {
      const serverByNumber = new Map(onServer.map((p) => [p.number, p]));
      const stale: number[] = [];
      for (const r of recorded) {
        const s = serverByNumber.get(r.number);
        if (s && s.etag === r.etag && s.size === r.size) done.set(r.number, r);
        else stale.push(r.number);
      }
      index.forgetParts(target.id, stale);
      emit({ type: "upload-resumed", uploadId, partsOnServer: done.size });
    }
  } else {
    const finished = await findCompleted(target, ctx, options);
    if (finished) {
      index.beginUpload({ targetId: target.id, fingerprint: tape.fingerprint, uploadId: "(found complete)", partSize: plan.partSize, partCount: plan.partCount, totalSize: tape.totalSize });
      index.completeUpload(target.id, finished);
      return alreadyComplete(tape, target, index.upload(target.id) as UploadRecord);
    }
    uploadId = await startUpload(tape, target, plan, ctx, options, emit, cleanup);
  }

  const progress = new ProgressTracker(tape.totalSize, plan.partCount, options.onProgress);
  let bytesSkipped = 0;
  const partsSkipped = done.size;
  let partsUploaded = 0;
  for (const r of done.values()) {
    progress.skipped(r.size);
    bytesSkipped += r.size;
  }
  progress.emit(true);

  const volumes = tape.volumes(plan.partSize);
  // rejectOnClear: parts dropped from the queue after a failure settle too, so allSettled returns.
  const limit = pLimit({ concurrency: options.concurrency ?? 4, rejectOnClear: true });
  let firstError: unknown = null;
  let bytesUploaded = 0;

  const uploadOne = async (spec: PartSpec): Promise<void> => {
    const volume = volumes[spec.number - 1]!;
    const digests = partDigestTap(index, target, tape.fingerprint, spec);
    const body = new VolumePartBody(volume, (n) => progress.bytes(spec.number, n), digests.onChunk);
    try {
      const receipt = await withRetry(
        async (attempt) => {
          signal.throwIfAborted();
          progress.attemptStarted(spec.number);
          emit({ type: "part-start", part: spec, attempt });
          return await target.uploadPart(uploadId, spec, body, ctx);
        },
        options.retry,
        {
          signal,
          shouldRetry: () => body.integrityError === null,
          onRetry: (error, attempt) => emit({ type: "part-retry", part: spec, attempt, error }),
        },
      );
      if (receipt.number !== spec.number || receipt.size !== spec.size) {
        throw new IntegrityMismatchError(`${target.id} acknowledged part ${receipt.number} of ${receipt.size} bytes for part ${spec.number} of ${spec.size} bytes.`);
      }
      // Only now, after the server's acknowledgement, does the part count as uploaded.
      digests.save();
      index.recordPart(target.id, { number: spec.number, start: spec.start, end: spec.end, etag: receipt.etag, checksum: receipt.checksum });
      done.set(spec.number, receipt);
      bytesUploaded += spec.size;
      partsUploaded++;
      progress.partDone(spec.number, spec.size);
      emit({ type: "part-done", part: spec, receipt });
    } catch (err) {
      progress.partFailed(spec.number);
      // A changed file explains whatever the SDK made of the broken stream.
      const cause = body.integrityError ?? err;
      if (firstError === null) {
        firstError = cause;
        limit.clearQueue();
        if (cause instanceof TartapeError && cause.code === "FILE_CHANGED") stop.abort(cause);
      }
      throw cause;
    }
  };

  const pending: Promise<void>[] = [];
  for (let n = 1; n <= plan.partCount; n++) {
    if (!done.has(n)) pending.push(limit(() => uploadOne(partSpec(plan, tape.totalSize, n))));
  }
  // Wait for every part to settle before reporting, so nothing keeps running after we return.
  await Promise.allSettled(pending);
  if (firstError !== null) {
    if (options.signal?.aborted) throw new UploadAbortedError(options.signal.reason);
    throw firstError;
  }
  options.signal?.throwIfAborted();

  const receipts = [...done.values()].sort((a, b) => a.number - b.number);
  if (receipts.length !== plan.partCount || receipts.some((r, i) => r.number !== i + 1)) {
    throw new IntegrityMismatchError(`Expected parts 1..${plan.partCount} before completing ${target.id}, have ${receipts.length}.`);
  }
  emit({ type: "completing", parts: receipts.length });
  const object = await withRetry(() => target.complete(uploadId, receipts, ctx), options.retry, hooks);
  if (object.size !== tape.totalSize) {
    throw new IntegrityMismatchError(`${target.id} reports ${object.size} bytes after completion; the tape is ${tape.totalSize} bytes.`);
  }
  index.completeUpload(target.id, object);
  progress.emit(true);
  return {
    status: "completed",
    targetId: target.id,
    uploadId,
    fingerprint: tape.fingerprint,
    totalSize: tape.totalSize,
    partSize: plan.partSize,
    partCount: plan.partCount,
    partsUploaded,
    partsSkipped,
    bytesUploaded,
    bytesSkipped,
    object,
  };
}

/** target.findCompleted with the driver's retries, like every other call; null for a target without it. */
async function findCompleted(target: Target, ctx: UploadContext, options: UploadOptions): Promise<CompletedObject | null> {
  if (!target.findCompleted) return null;
  const find = target.findCompleted.bind(target);
  return withRetry(() => find(ctx), options.retry, { signal: ctx.signal });
}

async function startUpload(
  tape: Tape,
  target: Target,
  plan: PartPlan,
  ctx: UploadContext,
  options: UploadOptions,
  emit: (e: UploadEvent) => void,
  cleanup: UnrecordedCleanup,
): Promise<string> {
  const { uploadId, unsettled } = await createAndRecord(tape, target, plan, ctx, options.retry);
  emit({ type: "upload-created", uploadId });
  // An attempt whose answer was lost may have created an upload too.
  if (unsettled) await cleanup.run(tape, ctx.signal);
  return uploadId;
}
