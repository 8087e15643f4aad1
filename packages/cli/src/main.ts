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
if (debugRequested(args)) process.setSourceMapsEnabled(true);
// A promise chain, not top-level await: the executable is this file bundled as
// CommonJS (see rolldown.config.mjs), which has none.
void import("./run-cli.js").then(async ({ runCli }) => {
  process.exitCode = await runCli(args);
});
