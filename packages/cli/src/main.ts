#!/usr/bin/env node
/** The `tartape` executable. */
import module from "node:module";
import v8 from "node:v8";
import { debugRequested } from "./debug-flag.js";
import { failIfLeftUnfinished } from "./unfinished-guard.js";

const args = process.argv.slice(2);

// Every chunk an upload reads to Azure or GCS is a fresh 1 MiB buffer outside V8's
// heap (S3's are recycled, chunk-recycler.ts), and by default V8 runs a full
// collection for every ~20 MiB of such memory: about 45 a GiB, a quarter of an
// upload's CPU. Counted against the heap's global limit instead, collections come
// about every 64 MiB (bench/README.md: 24% less CPU, 75 MiB more peak memory). Only
// for upload: a restore, whose memory matters more there, peaked at 313 MiB with it
// and 243 without. Set before anything is allocated.
const command = args.find((arg) => !arg.startsWith("-"));
if (command === "upload") v8.setFlagsFromString("--external-memory-accounted-in-global-limit");
// A restore's own objects are few and short-lived, but its young generation grew to
// 16 MiB semi-spaces (49 MB resident, a quarter of its peak) while the catalog was
// read: kept at its first size, a restore of 2 GiB peaked about 45 MiB lower, its
// collections no slower (bench/README.md). Its response chunks are freed by
// release-chunks.ts.
if (command === "restore") v8.setFlagsFromString("--semi-space-growth-factor=1");

// Compiled code of the CLI and its dependencies is cached on disk (in the OS temp
// folder): it takes tens of milliseconds off every start, which `cat` of many
// small files and scripts calling tartape in a loop both feel. Enabled before
// anything else is imported, hence the dynamic import below.
module.enableCompileCache?.();
// With --debug, stack traces name the TypeScript sources instead of the executable's
// bundled chunks (their source maps lead back through tsc's). Off otherwise: free.
/** How long a finished command waits for what it left running (an abandoned request) before it exits anyway. */
const ABANDONED_REQUEST_GRACE_MS = 1000;
if (debugRequested(args)) process.setSourceMapsEnabled(true);
// A promise chain, not top-level await: the executable is this file bundled as
// CommonJS (see rolldown.config.mjs), which has none.
const finished = failIfLeftUnfinished();
void import("./run-cli.js").then(async ({ runCli }) => {
  process.exitCode = await runCli(args);
  finished();
  // A request the command gave up on must not keep it alive once it is done: a GCS JSON API
  // call (which its client library cannot cancel) to a server that went silent holds its socket
  // open indefinitely. Unreferenced: a process with nothing left running ends before this fires.
  setTimeout(() => process.exit(), ABANDONED_REQUEST_GRACE_MS).unref();
});
