/**
 * Without credentials, Google's auth library looks for a GCE metadata server
 * and, not finding one, emits a MetadataLookupWarning that Node prints as
 * `(node:1234) MetadataLookupWarning: received unexpected error = …`: library
 * words in the middle of the output, followed anyway by tartape's own message
 * saying what failed and what to do. The CLI leaves that warning out and
 * prints every other warning as Node would.
 *
 * Likewise the MaxListenersExceededWarning of a PassThrough: the GCS client
 * adds listeners to a stream of its own (seen now and then in `tartape get`
 * from fake-gcs-server under load, never on tartape's streams), and a
 * one-shot command has no use for it; any other emitter's is still printed.
 */
const QUIET = new Set(["MetadataLookupWarning"]);

function isQuiet(warning: Error & { emitter?: unknown }): boolean {
  if (QUIET.has(warning.name)) return true;
  const emitter = warning.emitter as { constructor?: { name?: string } } | undefined;
  return warning.name === "MaxListenersExceededWarning" && emitter?.constructor?.name === "PassThrough";
}

let installed = false;

function printWarning(warning: Error): void {
  if (isQuiet(warning)) return;
  process.stderr.write(`(node:${process.pid}) ${warning.name}: ${warning.message}\n`);
}

/** Replaces Node's default warning printer with one that skips QUIET warnings (once per process). */
export function quietMetadataWarning(): void {
  if (installed) return;
  installed = true;
  process.removeAllListeners("warning");
  process.on("warning", printWarning);
}
