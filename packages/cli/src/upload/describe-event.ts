/** The upload events worth a line on the terminal; routine part starts and ends only move the bar. */
import { describeCause, formatBytes, TartapeError, type UploadEvent } from "@tartape/core";
import { cliMessage, cliOptionWords } from "../cli-words.js";

/** Our own errors carry a message written for people; others are best named by their code. */
function reason(error: unknown): string {
  return error instanceof TartapeError ? cliMessage(error) : describeCause(error);
}

export function describeEvent(event: UploadEvent): string | null {
  switch (event.type) {
    case "recorded":
      return `Recorded the tape: ${event.entryCount} entries, ${formatBytes(event.totalSize)}, fingerprint ${event.fingerprint.slice(0, 16)}`;
    case "upload-created":
      return `Started a new upload (id ${event.uploadId})`;
    case "upload-resumed":
      return `Resuming upload ${event.uploadId}: ${event.partsOnServer} part(s) already at the destination`;
    case "upload-lost":
      return `Upload ${event.uploadId} no longer exists at the destination; starting over`;
    case "completed-object-missing":
      return `The destination no longer holds the tape uploaded earlier (upload ${event.uploadId}): it was deleted or replaced; uploading it again`;
    case "upload-replaced": {
      const options = Object.entries(event.options).map(([name, value]) => cliOptionWords(name, value));
      return `Aborted upload ${event.uploadId} to ${event.targetId}${options.length ? ` (made with ${options.join(" ")})` : ""}: --restart starts over with the options given now`;
    }
    case "part-size-raised": {
      const asked = event.requested ? "asked for" : "default";
      return (
        `Part size raised from ${formatBytes(event.from)} (${asked}) to ${formatBytes(event.partSize)} (${event.partCount} parts): ` +
        `at ${formatBytes(event.from)} the tape would need ${event.partsNeeded} parts, more than this destination's limit of ${event.maxParts}`
      );
    }
    case "part-retry":
      return `Part ${event.part.number} failed (${reason(event.error)}); retrying, attempt ${event.attempt + 1}`;
    case "completing":
      return `All ${event.parts} part(s) uploaded; completing the object`;
    case "part-start":
    case "part-done":
      return null;
  }
}
