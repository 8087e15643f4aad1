#!/usr/bin/env node
/** The `tartape` executable. */
import module from "node:module";

// Compiled code of the CLI and its dependencies is cached on disk (in the OS temp
// folder): it takes tens of milliseconds off every start, which `cat` of many
// small files and scripts calling tartape in a loop both feel. Enabled before
// anything else is imported, hence the dynamic import below.
module.enableCompileCache?.();
const { runCli } = await import("./run-cli.js");

process.exitCode = await runCli(process.argv.slice(2));
