/**
 * What uploadTape would do, without doing it: the tape is recorded (or
 * opened), its parts planned, and the destination asked what it already
 * holds (list the parts of the upload in progress, look for the finished
 * object); nothing is created, sent, aborted or written to the destination,
 * and the index learns nothing new about it. Refusals a run would make
 * (another recording of the tape, changed files, other options) are thrown
 * the same way.
 */
import path from "node:path";
import { IndexNotFoundError, TapeChangedError } from "../errors.js";
import type { UploadRecord } from "../index/tape-index.js";
import { OPTION_WORDS } from "../option-words.js";
import { defaultIndexPath, record } from "../record.js";
import { openTape, type Tape } from "../tape/tape.js";
import { changedPaths, confirmCompleted, listPaths } from "./completed-check.js";
import { uploadContext } from "./context.js";
import { planParts, type PartPlan } from "./plan.js";
import { withRetry } from "./retry.js";
import { checkPartSize, refuseOtherOptions } from "./upload-options.js";
import type { Target } from "./target.js";
import type { UploadOptions } from "./upload-tape.js";

export interface UploadDryRun {
  readonly targetId: string;
  readonly fingerprint: string;
  readonly totalSize: number;
  readonly partSize: number;
  readonly partCount: number;
  /** The part size asked for (or the default), when the target's part limit would make the run raise it. */
  readonly partSizeRaisedFrom?: number;
  /**
   * `new`: an upload would be created; `resume`: the one in progress (`uploadId`) continued;
   * `complete`: the destination holds this tape, nothing would be sent; `restart`: restart
   * would abort the recorded upload and start over.
   */
  readonly state: "new" | "resume" | "complete" | "restart";
  readonly uploadId?: string;
  /** Parts the index recorded that the destination confirms it holds: a resume skips them. */
  readonly partsOnServer: number;
  readonly bytesOnServer: number;
  readonly partsToSend: number;
  readonly bytesToSend: number;
  /** Files changed since recording and nothing is uploaded yet: the run would record the directory again first (sizes here are the current recording's). */
  readonly recordsAgain?: boolean;
}

async function openOrRecord(root: string, target: Target, options: UploadOptions): Promise<Tape> {
  const indexPath = options.indexPath ?? defaultIndexPath(root);
  try {
    return openTape(root, { indexPath });
  } catch (err) {
    if (!(err instanceof IndexNotFoundError)) throw err;
  }
  await record(root, { indexPath, leaveOut: target.isOwnFile?.bind(target), ...(options.excludes ? { excludes: options.excludes } : {}) });
  return openTape(root, { indexPath });
}

export async function dryRunUpload(dir: string, target: Target, options: UploadOptions = {}): Promise<UploadDryRun> {
  const root = path.resolve(dir);
  const tape = await openOrRecord(root, target, options);
  try {
    if (!options.restart) refuseOtherOptions(tape, target);
    const state = tape.index.upload(target.id);
    const fresh = planParts({ totalSize: tape.totalSize, limits: target.limits, partSize: options.partSize ?? target.partSize, fixedPartSize: options.fixedPartSize });
    const report = (plan: PartPlan, rest: Pick<UploadDryRun, "state" | "uploadId" | "partsOnServer" | "bytesOnServer" | "recordsAgain">): UploadDryRun => {
      const all = rest.state === "complete";
      return {
        targetId: target.id,
        fingerprint: tape.fingerprint,
        totalSize: tape.totalSize,
        partSize: plan.partSize,
        partCount: plan.partCount,
        ...(plan.raisedFrom !== undefined ? { partSizeRaisedFrom: plan.raisedFrom } : {}),
        ...rest,
        partsToSend: all ? 0 : plan.partCount - rest.partsOnServer,
        bytesToSend: all ? 0 : tape.totalSize - rest.bytesOnServer,
      };
    };
    const nothingHeld = { partsOnServer: 0, bytesOnServer: 0 };
    if (options.restart && state) return report(fresh, { state: "restart", uploadId: state.uploadId, ...nothingHeld });

    if (state?.status === "completed") {
      const held = await confirmCompleted(root, tape, target, state, options);
      if (held) return report(state, { state: "complete", uploadId: state.uploadId, partsOnServer: state.partCount, bytesOnServer: tape.totalSize });
    } else if (state) {
      return await resumePlan(root, tape, target, state, options, report);
    }

    const ctx = uploadContext(tape, fresh, options.signal);
    if (target.findCompleted) {
      const find = target.findCompleted.bind(target);
      if (await withRetry(() => find(ctx), options.retry, { signal: options.signal })) return report(fresh, { state: "complete", partsOnServer: fresh.partCount, bytesOnServer: tape.totalSize });
    }
    const changed = await changedPaths(tape);
    return report(fresh, { state: "new", ...nothingHeld, ...(changed.length > 0 ? { recordsAgain: true } : {}) });
  } finally {
    tape.close();
  }
}

async function resumePlan(
  root: string,
  tape: Tape,
  target: Target,
  state: UploadRecord,
  options: UploadOptions,
  report: (plan: PartPlan, rest: Pick<UploadDryRun, "state" | "uploadId" | "partsOnServer" | "bytesOnServer">) => UploadDryRun,
): Promise<UploadDryRun> {
  // The same refusals, in the same words, as the run would make.
  if (state.fingerprint !== tape.fingerprint) {
    throw new TapeChangedError(
      `The tape of ${root} was recorded again since the upload to ${target.id} began (fingerprint ${state.fingerprint.slice(0, 12)} then, ${tape.fingerprint.slice(0, 12)} now), ` +
        `so the parts already uploaded belong to another tape. Run again with ${OPTION_WORDS.restart} to abort that upload and start over.`,
    );
  }
  checkPartSize(state, target, options.partSize ?? target.partSize, options.fixedPartSize);
  const changed = await changedPaths(tape);
  if (changed.length > 0) {
    throw new TapeChangedError(
      `${changed.length} path(s) changed since ${root} was recorded and the upload to ${target.id} began:\n${listPaths(changed)}\n` +
        `The parts already uploaded hold the old bytes. Run again with ${OPTION_WORDS.restart} to record the directory again and start over.`,
      changed,
    );
  }
  const ctx = uploadContext(tape, state, options.signal);
  const recorded = tape.index.parts(target.id).map((p) => ({ number: p.number, size: p.end - p.start, etag: p.etag, checksum: p.checksum }));
  const onServer = await withRetry(() => target.listParts(state.uploadId, ctx, recorded), options.retry, { signal: options.signal });
  if (onServer === null) {
    // The upload is gone: the run looks for the finished object, else starts a new upload.
    if (target.findCompleted) {
      const find = target.findCompleted.bind(target);
      if (await withRetry(() => find(ctx), options.retry, { signal: options.signal })) return report(state, { state: "complete", partsOnServer: state.partCount, bytesOnServer: tape.totalSize });
    }
    return report(state, { state: "new", partsOnServer: 0, bytesOnServer: 0 });
  }
  const serverByNumber = new Map(onServer.map((p) => [p.number, p]));
  const held = recorded.filter((r) => {
    const s = serverByNumber.get(r.number);
    return s !== undefined && s.etag === r.etag && s.size === r.size;
  });
  return report(state, { state: "resume", uploadId: state.uploadId, partsOnServer: held.length, bytesOnServer: held.reduce((sum, r) => sum + r.size, 0) });
}
