/** What `tartape cleanup` tells a person: each leftover on one line, then what was done and what was left. */
import type { CleanupResult, Leftover } from "@tartape/core";
import { formatBytes } from "./format.js";

const PIECES: Readonly<Record<Leftover["kind"], string>> = {
  "multipart-upload": "part(s)",
  "temporary-objects": "temporary object(s)",
  "uncommitted-blocks": "staged block(s)",
  "abort-marker": "empty blob(s)",
};

export function describeLeftover(l: Leftover): string {
  const pieces = l.kind === "abort-marker" ? "an aborted upload's empty marker blob" : `${l.pieces} ${PIECES[l.kind]}, ${formatBytes(l.bytes)}`;
  return `  ${l.object}  (${l.kind} ${l.uploadId}: ${pieces}; last active ${l.lastActivity.toISOString()})`;
}

export function cleanupReport(result: CleanupResult, olderThan: string): string {
  const bytes = formatBytes(result.removed.reduce((sum, l) => sum + l.bytes, 0));
  const lines: string[] = [];
  if (result.removed.length === 0) {
    lines.push(`No leftovers of tartape uploads idle for ${olderThan} or more under ${result.location}.`);
  } else {
    const verb = result.dryRun ? "Would remove" : "Removed";
    lines.push(`${verb} ${result.removed.length} leftover(s) of tartape uploads idle for ${olderThan} or more under ${result.location} (${bytes}):`);
    lines.push(...result.removed.map(describeLeftover));
  }
  if (result.tooRecent.length > 0) lines.push(`Left ${result.tooRecent.length} of tartape's, active within ${olderThan} (perhaps still uploading).`);
  if (result.notTartapes > 0) lines.push(`Left ${result.notTartapes} that tartape cannot prove it made (another tool's, or made before tartape marked its uploads).`);
  if (result.dryRun) lines.push("Dry run: nothing was removed.");
  return `${lines.join("\n")}\n`;
}
