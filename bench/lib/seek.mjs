#!/usr/bin/env node
// Time to start playing at random offsets of a recorded tape, in this process:
// for each offset, openTape + createReadStream({ start }) until its first byte.
// Usage: node bench/lib/seek.mjs <dir> <index.db> <count> <seed>
// Prints one JSON line: { totalSize, entries, offsets: [...], ms: [...] }.
import { openTape } from "@tartape/core";

const [dir, indexPath, countArg, seedArg] = process.argv.slice(2);
const count = Number(countArg ?? 25);
let seed = Number(seedArg ?? 1) >>> 0 || 1;
// xorshift32: the same offsets on every run with the same seed.
const rand = () => {
  seed ^= seed << 13;
  seed >>>= 0;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  seed >>>= 0;
  return seed / 2 ** 32;
};

function firstByte(stream) {
  return new Promise((resolve, reject) => {
    stream.once("data", (chunk) => resolve(chunk.length));
    stream.once("error", reject);
    stream.once("end", () => resolve(0));
  });
}

let totalSize;
let entries;
{
  const tape = openTape(dir, { indexPath });
  totalSize = tape.totalSize;
  entries = tape.entryCount;
  tape.close();
}
const offsets = [];
const ms = [];
for (let i = 0; i < count; i++) {
  const start = Math.floor(rand() * totalSize);
  const t0 = process.hrtime.bigint();
  const tape = openTape(dir, { indexPath });
  const stream = tape.createReadStream({ start });
  const n = await firstByte(stream);
  const t1 = process.hrtime.bigint();
  stream.destroy();
  tape.close();
  if (n === 0 && start < totalSize) throw new Error(`no byte at offset ${start}`);
  offsets.push(start);
  ms.push(Number(t1 - t0) / 1e6);
}
console.log(JSON.stringify({ totalSize, entries, offsets, ms }));
