/** Small async helpers for the requests a target makes on its own (compose, delete). */

/**
 * Runs `work` on every item with at most `limit` in flight: workers drain one
 * shared iterator. After the first failure no new item starts; the ones in
 * flight settle before that failure is thrown, so nothing runs on after return.
 */
export async function forEachConcurrently<T>(items: Iterable<T>, limit: number, work: (item: T) => Promise<void>): Promise<void> {
  const queue = items[Symbol.iterator]();
  let failure: { error: unknown } | null = null;
  const worker = async (): Promise<void> => {
    for (let next = queue.next(); !next.done && failure === null; next = queue.next()) {
      try {
        await work(next.value);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.allSettled(Array.from({ length: Math.max(1, limit) }, worker));
  if (failure !== null) throw (failure as { error: unknown }).error;
}

/**
 * Settles as `work` does, or rejects with the abort reason as soon as `signal`
 * aborts. The client library's JSON API calls cannot be cancelled, so an
 * aborted call finishes in the background (they are short); its outcome is ignored.
 */
export function unlessAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    work.catch(() => {});
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
