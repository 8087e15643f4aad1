/** What `record` (and an upload that had to record first) tells the user about the new tape. */
import type { RecordResult } from "@tartape/core/tape";
import { formatSizeExact } from "./format.js";

const EXCLUDED_SHOWN = 10;

export function describeRecording(dir: string, result: RecordResult): string {
  const lines = [
    `Recorded ${dir}`,
    `  fingerprint  ${result.fingerprint}`,
    `  total size   ${formatSizeExact(result.totalSize)}`,
    `  entries      ${result.entryCount}`,
    `  index        ${result.indexPath}`,
  ];
  if (result.excluded.length > 0) {
    lines.push(`  excluded     ${result.excluded.length} path(s) matching the exclude list:`);
    for (const p of result.excluded.slice(0, EXCLUDED_SHOWN)) lines.push(`                 ${p}`);
    if (result.excluded.length > EXCLUDED_SHOWN) lines.push(`                 ... and ${result.excluded.length - EXCLUDED_SHOWN} more`);
  }
  // Special files cannot be in a tar tape; saying so is the difference between "left out" and "lost".
  if (result.skipped.length > 0) {
    lines.push(`Left out ${result.skipped.length} special file(s) that a tape cannot hold:`);
    for (const s of result.skipped) lines.push(`  ${s.reason.padEnd(12)} ${s.path}`);
  }
  return lines.join("\n") + "\n";
}
