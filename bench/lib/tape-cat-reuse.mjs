#!/usr/bin/env node
// Prototype of a `cat` on the reader's opt-in modes (not yet exposed by Tape; read from
// the core's dist):
//   default   reuseBuffers: a handful of buffers filled again and again; each chunk is
//             written with process.stdout.write and the write awaited before the next
//             chunk is asked for.
//   --sync    reuseBuffers + syncReads: large files read with blocking reads too, and
//             each chunk written with a blocking fs.writeSync(1) (fd 1 untouched by
//             process.stdout stays blocking), the way GNU tar works.
// Usage: node bench/lib/tape-cat-reuse.mjs <dir> --index <index.db> [--chunk-size N] [--sync]
import fs from "node:fs";
import { openTape } from "@tartape/core";
import { readTapeRange } from "../../packages/core/dist/tape/reader.js";

const args = process.argv.slice(2);
const dir = args[0];
const opt = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const sync = args.includes("--sync");
const chunkSize = opt("--chunk-size") ? Number(opt("--chunk-size")) : undefined;
const tape = openTape(dir, opt("--index") ? { indexPath: opt("--index") } : {});

const pause = new Int32Array(new SharedArrayBuffer(4));
function writeAllSync(chunk) {
  for (let done = 0; done < chunk.length; ) {
    try {
      done += fs.writeSync(1, chunk, done, chunk.length - done);
    } catch (err) {
      if (err.code !== "EAGAIN") throw err;
      Atomics.wait(pause, 0, 0, 1); // a non-blocking stdout that is full: wait a little
    }
  }
}
const writeAsync = (chunk) => new Promise((resolve, reject) => process.stdout.write(chunk, (err) => (err ? reject(err) : resolve())));

try {
  const pieces = readTapeRange(tape.index, tape.totalSize, { start: 0, end: tape.totalSize, chunkSize, reuseBuffers: true, syncReads: sync });
  if (sync) for await (const chunk of pieces) writeAllSync(chunk);
  else for await (const chunk of pieces) await writeAsync(chunk);
} catch (err) {
  if (err.code !== "EPIPE") throw err;
} finally {
  tape.close();
}
