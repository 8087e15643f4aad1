/**
 * Retries with exponential backoff and full jitter, on failures that another
 * attempt can fix: 5xx, throttling, timeouts, connection resets. Built on
 * p-retry, which already handles abort signals and attempt bookkeeping.
 */
import pRetry, { AbortError } from "p-retry";
import { TargetError, TartapeError } from "../errors.js";
import { classifySocketError } from "./socket-errors.js";

export interface RetryPolicy {
  /** Attempts after the first (default 6). */
  readonly retries?: number;
  /** Delay before the first retry, in ms (default 250). */
  readonly minDelayMs?: number;
  /** Longest delay between attempts, in ms (default 20000). */
  readonly maxDelayMs?: number;
}

/** SDKs wrap errors a few layers deep; deeper than this is a loop in all but name. */
const MAX_CAUSE_DEPTH = 8;

/**
 * Whether another attempt may succeed. Our own typed errors say so explicitly,
 * wherever they sit on the cause chain (a socket error around a changed file
 * is still a changed file); otherwise any network failure is worth another try.
 */
export function isRetryable(err: unknown): boolean {
  let e: unknown = err;
  for (let depth = 0; e !== null && typeof e === "object" && depth < MAX_CAUSE_DEPTH; depth++) {
    if (e instanceof TargetError) return e.retryable;
    if (e instanceof TartapeError) return false;
    e = (e as { cause?: unknown }).cause;
  }
  return classifySocketError(err) !== null;
}

export interface RetryHooks {
  readonly signal?: AbortSignal;
  readonly onRetry?: (error: unknown, attempt: number) => void;
  /** Extra veto, e.g. a part whose source file changed must not be retried. */
  readonly shouldRetry?: (error: unknown) => boolean;
}

/**
 * Runs `fn`, again after each retryable failure, up to the policy's retries.
 * A temporary failure that outlasts them says how many attempts were made:
 * targets never claim in a message that something "is retried", since only
 * the caller knows whether it was.
 */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, policy: RetryPolicy = {}, hooks: RetryHooks = {}): Promise<T> {
  let attempts = 0;
  try {
    return await retrying(fn, policy, hooks, (n) => (attempts = n));
  } catch (err) {
    if (err instanceof TargetError && err.retryable && attempts > 1 && !hooks.signal?.aborted) {
      err.message = `${err.message} (Tried ${attempts} times.)`;
    }
    throw err;
  }
}

function retrying<T>(fn: (attempt: number) => Promise<T>, policy: RetryPolicy, hooks: RetryHooks, onAttempt: (n: number) => void): Promise<T> {
  return pRetry(
    async (attempt) => {
      onAttempt(attempt);
      try {
        return await fn(attempt);
      } catch (err) {
        // p-retry retries anything but AbortError; decide here instead.
        const retry = isRetryable(err) && (hooks.shouldRetry?.(err) ?? true);
        if (!retry) throw new AbortError(err instanceof Error ? err : new Error(String(err)));
        throw err;
      }
    },
    {
      retries: policy.retries ?? 6,
      minTimeout: policy.minDelayMs ?? 250,
      maxTimeout: policy.maxDelayMs ?? 20_000,
      factor: 2,
      randomize: true,
      ...(hooks.signal ? { signal: hooks.signal } : {}),
      onFailedAttempt: (ctx) => {
        if (ctx.retriesLeft > 0 && isRetryable(ctx.error)) hooks.onRetry?.(ctx.error, ctx.attemptNumber);
      },
    },
  );
}
