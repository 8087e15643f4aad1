/** What an upload run reports when it ends. */
import { describeCause, type UploadResult } from "@tartape/core";
import { formatBytes, formatElapsed, formatRate, formatSizeExact } from "./format.js";

function partsLine(r: UploadResult): string {
  return `  parts        ${r.partCount} of ${formatBytes(r.partSize)}: ${r.partsUploaded} uploaded, ${r.partsSkipped} skipped (already at the destination)`;
}

/** Upload ids a killed run had created on the server without recording them, as `upload` and `abort` name them. */
export function unrecordedUploads(ids: readonly string[]): string {
  return `${ids.length} upload(s) an interrupted run had started but never recorded: ${ids.join(", ")}`;
}

/**
 * Uploads a killed run had created on the server without recording them: what
 * this run did about them. Said even when all went well, since they were
 * stored (and, on S3, billed) until now.
 */
export function unrecordedLines(r: Pick<UploadResult, "unrecorded">): string[] {
  const report = r.unrecorded;
  if (!report) return [];
  const lines = report.discarded.length > 0 ? [`  cleaned up   ${unrecordedUploads(report.discarded)}`] : [];
  if (report.error !== undefined) {
    lines.push(`  warning      could not look for uploads an interrupted run may have left on the server (${describeCause(report.error)}); the next run looks again`);
  }
  return lines;
}

export function describeUploadResult(dir: string, r: UploadResult, elapsedMs: number): string {
  if (r.status === "already-complete") {
    return [
      `Already complete: ${r.targetId} holds this tape of ${dir}; nothing was sent.`,
      `  tape         ${formatSizeExact(r.totalSize)}, fingerprint ${r.fingerprint.slice(0, 16)}`,
      partsLine(r),
      ...catalogLines(r),
      ...unrecordedLines(r),
      "  (use --restart to upload it again)",
    ].join("\n") + "\n";
  }
  const seconds = elapsedMs / 1000;
  const lines = [
    `Upload complete: ${dir} -> ${r.targetId}`,
    `  tape         ${formatSizeExact(r.totalSize)}, fingerprint ${r.fingerprint.slice(0, 16)}`,
    partsLine(r),
    `  sent         ${formatBytes(r.bytesUploaded)} in ${formatElapsed(seconds)} (${formatRate(seconds > 0 ? r.bytesUploaded / seconds : 0)})` +
      (r.bytesSkipped > 0 ? `; ${formatBytes(r.bytesSkipped)} skipped by resume` : ""),
  ];
  const object = [r.object.etag !== undefined ? `etag ${r.object.etag}` : "", r.object.location !== undefined ? `at ${r.object.location}` : ""].filter(Boolean);
  if (object.length > 0) lines.push(`  object       ${object.join(", ")}`);
  lines.push(`  upload id    ${r.uploadId}`, ...catalogLines(r), ...unrecordedLines(r));
  return lines.join("\n") + "\n";
}

/** Where `tartape ls/get <url>` find the entries: the catalog next to the object. */
function catalogLines(r: UploadResult): string[] {
  if (r.catalog === "written") return ["  catalog      written beside the object (tartape ls/get <url> read it)"];
  if (r.catalog === "present") return ["  catalog      already beside the object"];
  return [];
}
