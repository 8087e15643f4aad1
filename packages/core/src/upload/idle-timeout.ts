/**
 * An inactivity deadline for one request: a server that takes a request and
 * then goes silent (nothing read, nothing answered) would otherwise hold a
 * part, and the upload, until the operating system gives up on the socket.
 * The deadline restarts whenever the request makes progress (bytes sent or
 * received), so a slow but moving transfer of a large part never trips it.
 */
import { TargetError } from "../errors.js";

export class IdleTimeoutError extends TargetError {
  constructor(readonly what: string, readonly idleMs: number) {
    super("TARGET_UNREACHABLE", `${what}: no progress for ${idleMs / 1000} s (the connection stalled); it is sent again.`, { retryable: true });
  }
}

/** Restarts the deadline: call it on every sign of life (a chunk sent, a byte received). */
export type Progress = () => void;

/**
 * Runs `request` with an inactivity deadline of `idleMs` (none when
 * undefined or 0). `request` gets a signal that aborts when the deadline
 * passes or `parent` aborts; the deadline rejects with IdleTimeoutError even
 * if the request does not heed its signal (an SDK call that cannot be
 * cancelled is left to end on its own, its outcome ignored).
 */
export async function withIdleTimeout<T>(
  idleMs: number | undefined,
  parent: AbortSignal,
  what: string,
  request: (signal: AbortSignal, progress: Progress) => Promise<T>,
): Promise<T> {
  if (idleMs === undefined || idleMs <= 0) return request(parent, () => {});
  const stall = new AbortController();
  const signal = AbortSignal.any([parent, stall.signal]);
  let fire!: (err: IdleTimeoutError) => void;
  const stalled = new Promise<never>((_, reject) => (fire = reject));
  let timer: NodeJS.Timeout | undefined;
  const progress: Progress = () => {
    if (stall.signal.aborted) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      const err = new IdleTimeoutError(what, idleMs);
      stall.abort(err);
      fire(err);
    }, idleMs);
  };
  progress();
  const running = request(signal, progress);
  // Whichever loses the race must not surface as an unhandled rejection.
  running.catch(() => {});
  stalled.catch(() => {});
  try {
    return await Promise.race([running, stalled]);
  } catch (err) {
    if (stall.signal.aborted && !parent.aborted) throw stall.signal.reason as IdleTimeoutError;
    throw err;
  } finally {
    clearTimeout(timer);
  }
}
