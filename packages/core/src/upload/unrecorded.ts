/**
 * Closing the window between a server creating an upload and the index
 * recording its id. An intent is written before createUpload is called and
 * settled in the same transaction that records the id; an intent still there
 * later means the server may hold an upload nobody would finish or abort (on
 * S3, invisible parts that cost money), which the target is asked to discard.
 */
import { createHash } from "../hash.js";
import type { UploadIntent } from "../index/tape-index.js";
import type { PartPlan } from "./plan.js";
import type { Tape } from "../tape/tape.js";
import { uploadContext } from "./context.js";
import { withRetry, type RetryPolicy } from "./retry.js";
import type { Target, UploadContext } from "./target.js";

/**
 * The nonce of an intent: a digest of what the index wrote before
 * createUpload was called (target, fingerprint, the intent's row id and its
 * start to the millisecond), so it is found again from the index alone and
 * another writer of the same destination (another index) never has it.
 */
export function intentNonce(intent: Pick<UploadIntent, "id" | "targetId" | "fingerprint" | "startedAt">): string {
  return createHash("sha256").update(`${intent.targetId}\n${intent.fingerprint}\n${intent.id}\n${intent.startedAt}`).digest("hex").slice(0, 32);
}

export interface CreatedUpload {
  readonly uploadId: string;
  /** An intent left to settle: an attempt before the last may have created an upload of its own. */
  readonly unsettled: boolean;
}

/** createUpload with retries, its id recorded in the index with the intent settled. */
export async function createAndRecord(tape: Tape, target: Target, plan: PartPlan, ctx: UploadContext, retry: RetryPolicy | undefined): Promise<CreatedUpload> {
  const facts = { targetId: target.id, fingerprint: tape.fingerprint, partSize: plan.partSize, partCount: plan.partCount, totalSize: tape.totalSize };
  // A target that cannot find unrecorded uploads gains nothing from an intent.
  const intent = target.abortUnrecorded ? tape.index.recordIntent(facts) : undefined;
  const written = intent !== undefined ? tape.index.intents(target.id).find((i) => i.id === intent) : undefined;
  const proof = written !== undefined ? { nonce: intentNonce(written) } : undefined;
  let attempts = 0;
  const uploadId = await withRetry(
    (attempt) => {
      attempts = attempt;
      if (intent !== undefined && attempt > 1) tape.index.touchIntent(intent);
      return target.createUpload(ctx, proof);
    },
    retry,
    { signal: ctx.signal },
  );
  // Recorded before any part is sent, so a crash from here on can still be resumed or aborted.
  const unsettled = intent !== undefined && attempts > 1;
  tape.index.beginUpload({ ...facts, uploadId }, unsettled ? undefined : intent);
  return { uploadId, unsettled };
}

/**
 * Asks the target to discard what each intent of `target` may have left on
 * the server, keeping the upload the index records, and forgets the intents
 * that were dealt with. Returns the ids discarded, or null when there was no
 * intent. Throws the first failure; the intents not dealt with stay for the
 * next run.
 */
export async function discardUnrecorded(tape: Tape, target: Target, retry: RetryPolicy | undefined, signal: AbortSignal | undefined): Promise<string[] | null> {
  const intents = tape.index.intents(target.id);
  if (intents.length === 0) return null;
  const discarded: string[] = [];
  const recorded = tape.index.upload(target.id)?.uploadId;
  const keep = recorded !== undefined ? [recorded] : [];
  for (const intent of intents) {
    if (target.abortUnrecorded) {
      const ctx = uploadContext(tape, intent, signal);
      const creation = { startedAt: new Date(intent.startedAt), lastAttemptAt: new Date(intent.lastAttemptAt), keep, nonce: intentNonce(intent) };
      discarded.push(...(await withRetry(() => target.abortUnrecorded!(ctx, creation), retry, { signal })));
    }
    tape.index.forgetIntent(intent.id);
  }
  return discarded;
}

/** What looking for unrecorded uploads came to during one uploadTape call. */
export interface UnrecordedReport {
  /** Ids of the uploads aborted (possibly none). */
  readonly discarded: readonly string[];
  /** Why looking failed, if it did (e.g. a policy without s3:ListBucketMultipartUploads); the next run looks again. */
  readonly error?: unknown;
}

/**
 * discardUnrecorded as cleanup for uploadTape: cleanup is not the upload, so
 * a failure is kept for the report rather than thrown, unless the caller aborted.
 */
export class UnrecordedCleanup {
  private readonly discarded: string[] = [];
  private error: unknown = undefined;
  private looked = false;

  constructor(
    private readonly target: Target,
    private readonly retry: RetryPolicy | undefined,
  ) {}

  async run(tape: Tape, signal: AbortSignal | undefined): Promise<void> {
    try {
      const ids = await discardUnrecorded(tape, this.target, this.retry, signal);
      if (ids === null) return;
      this.looked = true;
      this.discarded.push(...ids);
      this.error = undefined;
    } catch (err) {
      if (signal?.aborted) throw err;
      this.looked = true;
      this.error = err;
    }
  }

  /** Undefined when there was nothing to look for. */
  get report(): UnrecordedReport | undefined {
    if (!this.looked) return undefined;
    return this.error === undefined ? { discarded: [...this.discarded] } : { discarded: [...this.discarded], error: this.error };
  }
}
