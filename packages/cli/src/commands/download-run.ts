/** What `tartape download` does, loaded only when it runs. */
import path from "node:path";
import { downloadTape, type DownloadResult } from "@tartape/core";
import { InterruptedError } from "../interrupted-error.js";
import { formatBytes, formatDuration, formatRate } from "../output/format.js";
import { createProgressReporter } from "../progress/progress-reporter.js";
import { abortOnInterrupt } from "../upload/interrupt.js";
import type { ConnectionFlags } from "./connection-flags.js";
import { remoteLocation, type CatalogFlag } from "./remote-location.js";

export async function runDownload(url: string, file: string, flags: ConnectionFlags & CatalogFlag, concurrency: number | undefined): Promise<DownloadResult> {
  const location = await remoteLocation(url, flags);
  const reporter = createProgressReporter({ stream: process.stderr });
  const interrupt = abortOnInterrupt((signal) => {
    reporter.stop();
    process.stderr.write(`\n${signal}: stopping the parts in flight (press Ctrl-C again to quit at once)...\n`);
  });
  const started = Date.now();
  const target = path.resolve(file);
  try {
    const result = await downloadTape(location, target, {
      signal: interrupt.signal,
      ...(concurrency !== undefined ? { concurrency } : {}),
      onProgress: (p) => reporter.update(p),
    });
    reporter.stop();
    if (!result.verified) process.stderr.write(`tartape: ${location.catalog ? `no catalog found at ${location.catalog.id}` : "--no-catalog"}; the parts of ${location.tape.id} could not be checked against recorded checksums.\n`);
    const seconds = (Date.now() - started) / 1000;
    process.stdout.write(
      `Downloaded ${result.tapeId} to ${result.file}\n` +
        `  parts        ${result.parts}: ${result.parts - result.partsSkipped} fetched, ${result.partsSkipped} already there from an earlier run\n` +
        `  fetched      ${formatBytes(result.bytesFetched)} of ${formatBytes(result.bytes)} in ${formatDuration(seconds)} (${formatRate(seconds > 0 ? result.bytesFetched / seconds : 0)})\n` +
        `  verified     ${result.verified ? "every part against the checksum recorded when it was uploaded" : "no"}\n`,
    );
    return result;
  } catch (err) {
    reporter.stop();
    if (interrupt.received !== undefined) {
      throw new InterruptedError(interrupt.received, `Interrupted by ${interrupt.received}. The parts written are recorded in ${target}.tartape-download.journal. Run the same command again to resume.`);
    }
    throw err;
  } finally {
    interrupt.dispose();
  }
}
