#!/usr/bin/env node
// Minimal "tartape cat": plays an already-recorded tape of <dir> to stdout.
// Usage: node bench/lib/tape-cat.mjs <dir> [--index <index.db>] [--start N] [--end N] [--chunk-size N]
import { pipeline } from "node:stream/promises";
import { openTape } from "@tartape/core";

const args = process.argv.slice(2);
let dir;
const opts = {};
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === "--index") opts.indexPath = args[++i];
  else if (a === "--start") opts.start = Number(args[++i]);
  else if (a === "--end") opts.end = Number(args[++i]);
  else if (a === "--chunk-size") opts.chunkSize = Number(args[++i]);
  else dir = a;
}
if (!dir) {
  console.error("usage: tape-cat.mjs <dir> [--index <index.db>] [--start N] [--end N]");
  process.exit(2);
}
const tape = openTape(dir, opts.indexPath ? { indexPath: opts.indexPath } : {});
try {
  await pipeline(tape.createReadStream({ start: opts.start, end: opts.end, chunkSize: opts.chunkSize }), process.stdout);
} finally {
  tape.close();
}
