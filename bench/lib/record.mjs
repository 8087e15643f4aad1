#!/usr/bin/env node
// Records <dir> into <index.db> (overwriting) and prints a JSON line: entries, seconds, entries/s.
// Usage: node bench/lib/record.mjs <dir> <index.db>
import { record } from "@tartape/core";

const [dir, indexPath] = process.argv.slice(2);
const t0 = process.hrtime.bigint();
const r = await record(dir, { indexPath, overwrite: true });
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
console.log(JSON.stringify({ entries: r.entryCount, totalSize: r.totalSize, seconds, entriesPerSec: r.entryCount / seconds }));
