/**
 * `--event-log FILE`: one JSON line per upload event, appended synchronously
 * so each line is on disk before the upload takes its next step. A run killed
 * with SIGKILL leaves a log that says exactly how far it got.
 */
import fs from "node:fs";
import path from "node:path";
import { InvalidArgumentError, type UploadEvent } from "@tartape/core";

/** Errors keep their name, code and message (JSON.stringify drops them); bigints become strings. */
function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    return { name: value.name, message: value.message, ...(code !== undefined ? { code } : {}) };
  }
  return value;
}

export function eventLogLine(event: UploadEvent, time: Date = new Date(), pid: number = process.pid): string {
  return `${JSON.stringify({ time: time.toISOString(), pid, ...event }, jsonReplacer)}\n`;
}

export type EventSink = (event: UploadEvent) => void;

/** Opens (creating) the log once up front, so a bad path fails before the upload starts. */
export function eventLogWriter(file: string): EventSink {
  const resolved = path.resolve(file);
  try {
    fs.appendFileSync(resolved, "");
  } catch (err) {
    throw new InvalidArgumentError(`Cannot write the event log ${resolved}: ${(err as Error).message}. Pass a file in a folder that exists and is writable.`);
  }
  return (event) => fs.appendFileSync(resolved, eventLogLine(event));
}
