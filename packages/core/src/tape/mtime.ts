/** Whole seconds of a nanosecond mtime, fraction dropped toward zero (as Python's int() does). */
export function mtimeSeconds(mtimeNs: bigint): number {
  return Number(mtimeNs / 1_000_000_000n);
}
