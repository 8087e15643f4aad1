#!/usr/bin/env node
/** The `tartape` executable. */
import module from "node:module";

// Compiled code of the CLI and its dependencies is cached on disk (in the OS temp
// folder): it takes tens of milliseconds off every start, which `cat` of many
// small files and scripts calling tartape in a loop both feel. Enabled before
// anything else is imported, hence the dynamic import below.
module.enableCompileCache?.();
// A promise chain, not top-level await: the executable is this file bundled as
// CommonJS (see rolldown.config.mjs), which has none.
void import("./run-cli.js").then(async ({ runCli }) => {
  process.exitCode = await runCli(process.argv.slice(2));
});
