#!/usr/bin/env node
/** The `tartape` executable. */
import module from "node:module";
import v8 from "node:v8";
import { debugRequested } from "./debug-flag.js";

// Every chunk an upload reads is a fresh 1 MiB buffer outside V8's heap, and by
// default V8 runs a full collection for every ~20 MiB of such memory: about 45
// a GiB, a quarter of an upload's CPU. Counted against the heap's global limit
// instead, collections come about every 64 MiB (bench/README.md: 24% less CPU,
// 75 MiB more peak memory). Set before anything is allocated.
v8.setFlagsFromString("--external-memory-accounted-in-global-limit");

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
