const NS_PER_SECOND = 1_000_000_000n;

/**
 * Whole seconds of a nanosecond mtime, exactly as tartape 2.3.3 computes them:
 * `int(st_mtime)`, where Python's `st_mtime` is the double `sec + nsec * 1e-9`
 * (timespec, so `nsec` is never negative). Dropping the fraction of the exact
 * nanosecond value is not the same: within ~120 ns of the next second the
 * double rounds up to it (…00.999999999 → …01), and tartape writes the rounded
 * second. Negative times truncate toward zero, as `int()` does.
 */
export function mtimeSeconds(mtimeNs: bigint): number {
  let sec = mtimeNs / NS_PER_SECOND;
  let nsec = mtimeNs % NS_PER_SECOND;
  if (nsec < 0n) {
    sec -= 1n;
    nsec += NS_PER_SECOND;
  }
  return Math.trunc(Number(sec) + Number(nsec) * 1e-9) || 0;
}
