/** What an upload run reports when it ends. */
import type { UploadResult } from "@tartape/core";
import { formatBytes, formatDuration, formatRate, formatSizeExact } from "./format.js";

function partsLine(r: UploadResult): string {
  return `  parts        ${r.partCount} of ${formatBytes(r.partSize)}: ${r.partsUploaded} uploaded, ${r.partsSkipped} skipped (already at the destination)`;
}

export function describeUploadResult(dir: string, r: UploadResult, elapsedMs: number): string {
  if (r.status === "already-complete") {
    return [
      `Already complete: ${r.targetId} holds this tape of ${dir}; nothing was sent.`,
      `  tape         ${formatSizeExact(r.totalSize)}, fingerprint ${r.fingerprint.slice(0, 16)}`,
      partsLine(r),
      "  (use --restart to upload it again)",
    ].join("\n") + "\n";
  }
  const seconds = elapsedMs / 1000;
  const lines = [
    `Upload complete: ${dir} -> ${r.targetId}`,
    `  tape         ${formatSizeExact(r.totalSize)}, fingerprint ${r.fingerprint.slice(0, 16)}`,
    partsLine(r),
    `  sent         ${formatBytes(r.bytesUploaded)} in ${formatDuration(seconds)} (${formatRate(seconds > 0 ? r.bytesUploaded / seconds : 0)})` +
      (r.bytesSkipped > 0 ? `; ${formatBytes(r.bytesSkipped)} skipped by resume` : ""),
  ];
  const object = [r.object.etag !== undefined ? `etag ${r.object.etag}` : "", r.object.location !== undefined ? `at ${r.object.location}` : ""].filter(Boolean);
  if (object.length > 0) lines.push(`  object       ${object.join(", ")}`);
  lines.push(`  upload id    ${r.uploadId}`);
  return lines.join("\n") + "\n";
}
