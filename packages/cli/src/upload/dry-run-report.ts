/** `tartape upload --dry-run`: what the upload would send, said to a person or as JSON; nothing is sent. */
import path from "node:path";
import { dryRunUpload, type Target, type UploadDryRun } from "@tartape/core";
import { writeJsonDocument } from "../json/json-document.js";
import { formatBytes, formatSizeExact } from "../output/format.js";

export interface DryRun {
  readonly dir: string;
  readonly target: Target;
  readonly restart?: boolean | undefined;
  readonly indexPath?: string | undefined;
  readonly excludes?: readonly string[] | undefined;
  readonly json?: boolean | undefined;
}

function stateLine(r: UploadDryRun): string {
  switch (r.state) {
    case "new":
      return "a new upload would be created";
    case "resume":
      return `upload ${r.uploadId} would be resumed: ${r.partsOnServer} part(s) (${formatBytes(r.bytesOnServer)}) are at the destination`;
    case "complete":
      return "the destination holds this tape already: nothing would be sent";
    case "restart":
      return `upload ${r.uploadId} would be aborted, the directory recorded again, and a new upload created`;
  }
}

export function describeDryRun(dir: string, r: UploadDryRun): string {
  const lines = [
    `Dry run: ${dir} -> ${r.targetId} (nothing was sent)`,
    `  tape         ${formatSizeExact(r.totalSize)}, fingerprint ${r.fingerprint.slice(0, 16)}`,
    `  parts        ${r.partCount} of ${formatBytes(r.partSize)}` + (r.partSizeRaisedFrom !== undefined ? ` (raised from ${formatBytes(r.partSizeRaisedFrom)} to fit the destination's part limit)` : ""),
    `  state        ${stateLine(r)}`,
    `  to send      ${r.partsToSend} part(s), ${formatSizeExact(r.bytesToSend)}`,
  ];
  if (r.recordsAgain) lines.push("  note         files changed since recording: the upload would record the directory again first, so sizes may differ");
  return lines.join("\n") + "\n";
}

export async function runDryRun(run: DryRun): Promise<UploadDryRun> {
  const dir = path.resolve(run.dir);
  const result = await dryRunUpload(dir, run.target, {
    ...(run.restart ? { restart: true } : {}),
    ...(run.indexPath !== undefined ? { indexPath: run.indexPath } : {}),
    ...(run.excludes !== undefined ? { excludes: run.excludes } : {}),
  });
  if (run.json) writeJsonDocument("upload", true, { dryRun: true, dir, ...result });
  else process.stdout.write(describeDryRun(dir, result));
  return result;
}
