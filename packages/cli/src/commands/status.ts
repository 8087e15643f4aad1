/** `tartape status <dir>`: the uploads the index remembers, and how far each got. */
import path from "node:path";
import { Command } from "commander";
import { interruptedCreations, uploadStatus, type InterruptedCreation, type UploadStatus } from "@tartape/core";
import { cliOptionWords } from "../cli-words.js";
import { formatBytes, formatPercent } from "../output/format.js";
import { addIndexOption, indexLocation, type IndexOption } from "./shared-options.js";

export function describeStatus(s: UploadStatus): string {
  const state = s.status === "completed" ? "completed" : "in progress";
  const tape = s.currentTape ? "the current tape" : "an earlier recording of the tape (upload again with --restart to replace it)";
  return [
    s.targetId,
    `  status       ${state}, for ${tape}`,
    `  parts        ${s.partsDone}/${s.partCount} of ${formatBytes(s.partSize)} (${formatPercent(s.bytesDone, s.totalSize)})`,
    `  options      ${[cliOptionWords("partSize", String(s.partSize)), ...Object.entries(s.options ?? {}).map(([name, value]) => cliOptionWords(name, value))].join(" ")}`,
    `  bytes        ${formatBytes(s.bytesDone)} of ${formatBytes(s.totalSize)} (${s.bytesDone} of ${s.totalSize})`,
    `  upload id    ${s.uploadId}`,
    `  started      ${s.createdAt}`,
    `  updated      ${s.updatedAt}`,
  ].join("\n");
}

export function describeInterrupted(i: InterruptedCreation): string {
  return [
    i.targetId,
    "  status       an upload was being created when a run was interrupted; the server may hold it unrecorded",
    "               (the next `tartape upload` or `tartape abort` to this destination finds it and aborts it)",
    `  started      ${i.startedAt}`,
  ].join("\n");
}

export function statusCommand(): Command {
  const command = new Command("status").description("show the uploads recorded in <dir>'s index and their progress").argument("<dir>", "a recorded directory");
  addIndexOption(command);
  return command.action(async (dir: string, flags: IndexOption) => {
    const uploads = uploadStatus(dir, indexLocation(flags));
    const interrupted = interruptedCreations(dir, indexLocation(flags));
    if (uploads.length === 0 && interrupted.length === 0) {
      process.stdout.write(`No uploads are recorded for ${path.resolve(dir)}.\n`);
      return;
    }
    process.stdout.write([...uploads.map(describeStatus), ...interrupted.map(describeInterrupted)].join("\n\n") + "\n");
  });
}
