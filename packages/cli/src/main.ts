#!/usr/bin/env node
/** The `tartape` executable. */
import module from "node:module";
import { debugRequested } from "./debug-flag.js";

// Compiled code of the CLI and its dependencies is cached on disk (in the OS temp
// folder): it takes tens of milliseconds off every start, which `cat` of many
// small files and scripts calling tartape in a loop both feel. Enabled before
// anything else is imported, hence the dynamic import below.
module.enableCompileCache?.();
// With --debug, stack traces name the TypeScript sources instead of the executable's
// bundled chunks (their source maps lead back through tsc's). Off otherwise: free.
const args = process.argv.slice(2);
/** How long a finished command waits for what it left running (an abandoned request) before it exits anyway. */
const ABANDONED_REQUEST_GRACE_MS = 1000;
if (debugRequested(args)) process.setSourceMapsEnabled(true);
// A promise chain, not top-level await: the executable is this file bundled as
// CommonJS (see rolldown.config.mjs), which has none.
void import("./run-cli.js").then(async ({ runCli }) => {
  process.exitCode = await runCli(args);
  // A request the command gave up on must not keep it alive once it is done: a GCS JSON API
  // call (which its client library cannot cancel) to a server that went silent holds its socket
  // open indefinitely. Unreferenced: a process with nothing left running ends before this fires.
  setTimeout(() => process.exit(), ABANDONED_REQUEST_GRACE_MS).unref();
});
