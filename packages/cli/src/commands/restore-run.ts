/** What `tartape restore` does, loaded only when it runs (it needs the cloud SDKs and the progress bar). */
import path from "node:path";
import { EntriesRefusedError, restoreTape, type RestoreProgress, type RestoreResult } from "@tartape/core";
import { InterruptedError } from "../interrupted-error.js";
import { chunkReleaser } from "../release-chunks.js";
import { formatBytes, formatDuration, formatRate } from "../output/format.js";
import { createProgressReporter } from "../progress/progress-reporter.js";
import { abortOnInterrupt } from "../upload/interrupt.js";
import type { RestoreFlags } from "./restore.js";
import { noCatalogNote, remoteLocation } from "./remote-location.js";

/** The progress bar speaks of parts: here a part is one ranged read. */
function asBarProgress(p: RestoreProgress) {
  return {
    bytesDone: p.bytesDone,
    bytesTotal: p.bytesTotal,
    bytesSkipped: p.bytesSkipped,
    partsDone: p.readsDone,
    partsSkipped: 0,
    partsTotal: p.readsTotal,
    bytesPerSecond: p.bytesPerSecond,
    elapsedMs: p.elapsedMs,
  };
}

function describeResult(r: RestoreResult, elapsedMs: number): string {
  const seconds = elapsedMs / 1000;
  const lines = [
    `Restored ${r.tapeId} into ${r.dir}`,
    `  entries      ${r.entries} (${r.files} files, ${formatBytes(r.bytes)})${r.entriesSkipped > 0 ? `; ${r.entriesSkipped} already restored by an earlier run` : ""}`,
    `  fetched      ${formatBytes(r.bytesFetched)} in ${formatDuration(seconds)} (${formatRate(seconds > 0 ? r.bytesFetched / seconds : 0)})`,
    `  verified     ${r.verified ? "every file against the CRC-32 its catalog recorded" : "no: the tape has no catalog, so file contents could not be checked"}`,
  ];
  return `${lines.join("\n")}\n`;
}

export interface ReadSettings {
  readonly concurrency?: number | undefined;
  readonly rangeSize?: number | undefined;
}

export async function runRestore(url: string, dir: string, flags: RestoreFlags, reads: ReadSettings, resumeCommand: string): Promise<RestoreResult> {
  const location = await remoteLocation(url, flags);
  const reporter = createProgressReporter({ stream: process.stderr });
  const interrupt = abortOnInterrupt((signal) => {
    reporter.stop();
    process.stderr.write(`\n${signal}: stopping the reads in flight (press Ctrl-C again to quit at once)...\n`);
  });
  const started = Date.now();
  try {
    const result = await restoreTape(location, path.resolve(dir), {
      signal: interrupt.signal,
      ...(flags.only !== undefined ? { only: flags.only } : {}),
      ...(reads.concurrency !== undefined ? { concurrency: reads.concurrency } : {}),
      ...(reads.rangeSize !== undefined ? { rangeSize: reads.rangeSize } : {}),
      ...(flags.overwrite ? { overwrite: true } : {}),
      ...(flags.sameOwner ? { sameOwner: true } : {}),
      ...(flags.keepSpecialBits ? { keepSpecialBits: true } : {}),
      onProgress: (p) => reporter.update(asBarProgress(p)),
      onReceived: chunkReleaser(),
    });
    reporter.stop();
    if (!result.catalogFound) process.stderr.write(noCatalogNote(location));
    process.stdout.write(describeResult(result, Date.now() - started));
    if (result.refused.length > 0) throw new EntriesRefusedError(result.refused, result.dir);
    return result;
  } catch (err) {
    reporter.stop();
    if (interrupt.received !== undefined) {
      throw new InterruptedError(interrupt.received, `Interrupted by ${interrupt.received}. What was restored is recorded in ${path.join(dir, ".tartape-restore")}. Run the same command again to resume:\n  ${resumeCommand}`);
    }
    throw err;
  } finally {
    interrupt.dispose();
  }
}
