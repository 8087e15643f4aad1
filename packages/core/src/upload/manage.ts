/** Looking at and discarding the uploads recorded in a tape's index. */
import path from "node:path";
import { defaultIndexPath } from "../record.js";
import { openTape } from "../tape/tape.js";
import { uploadContext } from "./context.js";
import { withRetry, type RetryPolicy } from "./retry.js";
import { discardUnrecorded } from "./unrecorded.js";
import type { Target } from "./target.js";

export interface UploadStatus {
  readonly targetId: string;
  readonly status: "in-progress" | "completed";
  readonly uploadId: string;
  /** Whether the upload belongs to the tape as recorded now. */
  readonly currentTape: boolean;
  readonly partSize: number;
  readonly partCount: number;
  readonly partsDone: number;
  readonly bytesDone: number;
  readonly totalSize: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** The options that made this upload the one it is (S3: the checksum kind), when its target has any (Target.objectIdentity). */
  readonly options?: Readonly<Record<string, string>>;
}

export interface IndexLocation {
  readonly indexPath?: string;
}

export function uploadStatus(dir: string, options: IndexLocation = {}): UploadStatus[] {
  const root = path.resolve(dir);
  const tape = openTape(root, { indexPath: options.indexPath ?? defaultIndexPath(root) });
  try {
    return tape.index.uploads().map((u) => {
      const parts = tape.index.parts(u.targetId);
      const completed = u.status === "completed";
      return {
        targetId: u.targetId,
        status: u.status,
        uploadId: u.uploadId,
        currentTape: u.fingerprint === tape.fingerprint,
        partSize: u.partSize,
        partCount: u.partCount,
        partsDone: completed ? u.partCount : parts.length,
        bytesDone: completed ? u.totalSize : parts.reduce((sum, p) => sum + (p.end - p.start), 0),
        totalSize: u.totalSize,
        createdAt: u.createdAt,
        // A part recorded is the upload moving on: the latest of those and the upload's own changes.
        updatedAt: parts.reduce((latest, p) => (p.uploadedAt > latest ? p.uploadedAt : latest), u.updatedAt),
        ...optionsOf(tape.index.targetObject(u.targetId)?.options),
      };
    });
  } finally {
    tape.close();
  }
}

/**
 * An upload a run began creating and never recorded: the process was killed
 * between the server's answer and the index write, so the server may hold an
 * upload nobody will finish. The next uploadTape or abortUpload to the same
 * target looks for it and aborts it.
 */
export interface InterruptedCreation {
  readonly targetId: string;
  readonly startedAt: string;
  readonly lastAttemptAt: string;
}

export function interruptedCreations(dir: string, options: IndexLocation = {}): InterruptedCreation[] {
  const root = path.resolve(dir);
  const tape = openTape(root, { indexPath: options.indexPath ?? defaultIndexPath(root) });
  try {
    return tape.index.intents().map((i) => ({ targetId: i.targetId, startedAt: i.startedAt, lastAttemptAt: i.lastAttemptAt }));
  } finally {
    tape.close();
  }
}

function optionsOf(options: Readonly<Record<string, string>> | undefined): { options?: Readonly<Record<string, string>> } {
  return options ? { options } : {};
}

/** An unfinished upload to the same object as the target, made with other options (another target id). */
export interface OtherOptionsUpload {
  readonly targetId: string;
  readonly uploadId: string;
  readonly options: Readonly<Record<string, string>>;
}

export interface AbortResult {
  /** False when the index had no unfinished upload for this target. */
  readonly aborted: boolean;
  readonly uploadId?: string;
  /** Uploads the server held whose ids the index never recorded (a run killed while creating one), aborted too. */
  readonly unrecorded?: readonly string[];
  /** When nothing was aborted: unfinished uploads of the same object made with other options, which a target with those options aborts. */
  readonly otherOptions?: readonly OtherOptionsUpload[];
}

/**
 * Aborts the unfinished upload to `target` (the server discards its parts) and forgets it in the index,
 * and with it any upload a run created on the server but never recorded.
 */
export async function abortUpload(dir: string, target: Target, options: IndexLocation & { retry?: RetryPolicy; signal?: AbortSignal } = {}): Promise<AbortResult> {
  const root = path.resolve(dir);
  const tape = openTape(root, { indexPath: options.indexPath ?? defaultIndexPath(root) });
  try {
    const unrecorded = await discardUnrecorded(tape, target, options.retry, options.signal);
    const extra = unrecorded !== null && unrecorded.length > 0 ? { unrecorded } : {};
    const state = tape.index.upload(target.id);
    if (!state || state.status !== "in-progress") {
      const object = target.objectIdentity;
      const others = object
        ? tape.index
            .uploadsOfObject(object.id)
            .filter((u) => u.targetId !== target.id && u.status === "in-progress")
            .map((u) => ({ targetId: u.targetId, uploadId: u.uploadId, options: tape.index.targetObject(u.targetId)?.options ?? {} }))
        : [];
      return { aborted: false, ...extra, ...(others.length > 0 ? { otherOptions: others } : {}) };
    }
    const ctx = uploadContext(tape, state, options.signal);
    await withRetry(() => target.abort(state.uploadId, ctx), options.retry, { signal: options.signal });
    tape.index.deleteUpload(target.id);
    return { aborted: true, uploadId: state.uploadId, ...extra };
  } finally {
    tape.close();
  }
}
