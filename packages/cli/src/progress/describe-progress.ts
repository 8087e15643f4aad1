/** The words of a progress report, shared by the bar and the plain lines so both say the same thing. */
import type { UploadProgress } from "@tartape/core";
import { formatBytes, formatDuration, formatPercent, formatRate } from "../output/format.js";

/** Seconds left at this run's rate; Infinity before anything was sent. */
export function etaSeconds(p: UploadProgress): number {
  const left = p.bytesTotal - p.bytesDone;
  if (left <= 0) return 0;
  return p.bytesPerSecond > 0 ? left / p.bytesPerSecond : Number.POSITIVE_INFINITY;
}

export function describeProgress(p: UploadProgress): string {
  const pieces = [
    formatPercent(p.bytesDone, p.bytesTotal).padStart(4),
    `${formatBytes(p.bytesDone)} of ${formatBytes(p.bytesTotal)}`,
    formatRate(p.bytesPerSecond),
    `ETA ${formatDuration(etaSeconds(p))}`,
    `parts ${p.partsDone}/${p.partsTotal}`,
  ];
  if (p.bytesSkipped > 0) pieces.push(`resumed: ${formatBytes(p.bytesSkipped)} in ${p.partsSkipped} part(s) skipped`);
  return pieces.join(" | ");
}
