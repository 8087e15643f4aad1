/** Starts an upload and stops it by signal once some parts are on disk, to test resume, status and abort. */
import fs from "node:fs";
import path from "node:path";
import { patternBytes, runTartape, writeTree, type CliRun } from "./cli.js";

const MiB = 1024 * 1024;

/** A directory whose tape is a little over `mib` MiB: enough parts that an upload is still running when signalled. */
export function writeBigTree(dir: string, mib: number): void {
  const chunk = patternBytes(MiB, 9);
  const files: Record<string, Buffer> = {};
  for (let i = 0; i < mib; i++) files[`part-${String(i).padStart(3, "0")}.bin`] = Buffer.concat([chunk.subarray(i), chunk.subarray(0, i)]);
  writeTree(dir, files);
}

export function countEvents(eventLog: string, type: string): number {
  if (!fs.existsSync(eventLog)) return 0;
  return fs
    .readFileSync(eventLog, "utf8")
    .split("\n")
    .filter((line) => line !== "" && (JSON.parse(line) as { type: string }).type === type).length;
}

export interface InterruptedUpload {
  readonly run: CliRun;
  /** part-done lines in the event log when the signal was sent. */
  readonly partsDoneAtSignal: number;
}

/**
 * Runs `tartape upload dir dest --event-log eventLog ...extra` and sends `signal`
 * as soon as the event log shows `afterParts` finished parts.
 */
export async function uploadUntil(
  dir: string,
  dest: string,
  eventLog: string,
  options: { afterParts: number; signal: NodeJS.Signals; extra?: string[] },
): Promise<InterruptedUpload> {
  let partsDoneAtSignal = -1;
  let timer: NodeJS.Timeout | undefined;
  const run = await runTartape(["upload", dir, dest, "--event-log", eventLog, ...(options.extra ?? [])], {
    cwd: path.dirname(dir),
    onSpawn: (pid) => {
      timer = setInterval(() => {
        const done = countEvents(eventLog, "part-done");
        if (done < options.afterParts) return;
        clearInterval(timer);
        partsDoneAtSignal = done;
        try {
          process.kill(pid, options.signal);
        } catch {
          // Already gone: the caller sees it finished and fails on the exit code.
        }
      }, 2);
    },
  });
  clearInterval(timer);
  return { run, partsDoneAtSignal };
}
