#!/usr/bin/env node
// A reference, not a tar: the files' content only, each streamed with Node's own
// fs.createReadStream (1 MiB chunks, as Tape.createReadStream reads big files)
// and piped to stdout. What streaming fresh buffers costs in Node (throughput,
// and peak RSS: dead chunks wait for a garbage collection).
// Usage: node bench/lib/fs-stream-cat.mjs <dir>
import fs from "node:fs";
import path from "node:path";
import { pipeline } from "node:stream/promises";

const dir = process.argv[2];
if (!dir) {
  console.error("usage: fs-stream-cat.mjs <dir>");
  process.exit(2);
}
const files = fs.readdirSync(dir, { recursive: true }).map((f) => path.join(dir, f)).filter((f) => fs.lstatSync(f).isFile()).sort();
for (const file of files) await pipeline(fs.createReadStream(file, { highWaterMark: 1024 * 1024 }), process.stdout, { end: false });
