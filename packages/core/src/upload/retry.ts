/**
 * Retries with exponential backoff and full jitter, on failures that another
 * attempt can fix: 5xx, throttling, timeouts, connection resets. Built on
 * p-retry, which already handles abort signals and attempt bookkeeping.
 */
import pRetry, { AbortError } from "p-retry";
import { TargetError, TartapeError } from "../errors.js";

export interface RetryPolicy {
  /** Attempts after the first (default 6). */
  readonly retries?: number;
  /** Delay before the first retry, in ms (default 250). */
  readonly minDelayMs?: number;
  /** Longest delay between attempts, in ms (default 20000). */
  readonly maxDelayMs?: number;
}

const TRANSIENT_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "UND_ERR_SOCKET",
  "UND_ERR_CLOSED",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
  "UND_ERR_CONNECT_TIMEOUT",
]);

/** Whether another attempt may succeed. Our own typed errors say so explicitly. */
export function isRetryable(err: unknown): boolean {
  if (err instanceof TargetError) return err.retryable;
  if (err instanceof TartapeError) return false;
  const code = (err as { code?: unknown })?.code;
  if (typeof code === "string" && TRANSIENT_CODES.has(code)) return true;
  const cause = (err as { cause?: unknown })?.cause;
  return cause !== undefined && cause !== err ? isRetryable(cause) : false;
}

export interface RetryHooks {
  readonly signal?: AbortSignal;
  readonly onRetry?: (error: unknown, attempt: number) => void;
  /** Extra veto, e.g. a part whose source file changed must not be retried. */
  readonly shouldRetry?: (error: unknown) => boolean;
}

export function withRetry<T>(fn: (attempt: number) => Promise<T>, policy: RetryPolicy = {}, hooks: RetryHooks = {}): Promise<T> {
  return pRetry(
    async (attempt) => {
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
