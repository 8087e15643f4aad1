/**
 * Without credentials, Google's auth library looks for a GCE metadata server
 * and, not finding one, emits a MetadataLookupWarning that Node prints as
 * `(node:1234) MetadataLookupWarning: received unexpected error = …`: library
 * words in the middle of the output, followed anyway by tartape's own message
 * saying what failed and what to do. The CLI leaves that warning out and
 * prints every other warning as Node would.
 */
const QUIET = new Set(["MetadataLookupWarning"]);

let installed = false;

function printWarning(warning: Error): void {
  if (QUIET.has(warning.name)) return;
  process.stderr.write(`(node:${process.pid}) ${warning.name}: ${warning.message}\n`);
}

/** Replaces Node's default warning printer with one that skips QUIET warnings (once per process). */
export function quietMetadataWarning(): void {
  if (installed) return;
  installed = true;
  process.removeAllListeners("warning");
  process.on("warning", printWarning);
}
