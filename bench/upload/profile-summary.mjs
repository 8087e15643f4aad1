#!/usr/bin/env node
// Where a V8 CPU profile (from --cpu-prof) spent its time: the top functions
// by self time, with their file, and the share of the profile each takes.
// Usage: node bench/upload/profile-summary.mjs <file.cpuprofile> [top N]
import fs from "node:fs";

const [file, topArg] = process.argv.slice(2);
if (!file) {
  console.error("usage: node bench/upload/profile-summary.mjs <file.cpuprofile> [top N]");
  process.exit(2);
}
const top = Number(topArg ?? 25);
const profile = JSON.parse(fs.readFileSync(file, "utf8"));

// Each sample names the node that was on top of the stack; timeDeltas[i] is the time before sample i.
const selfUs = new Map();
for (let i = 0; i < profile.samples.length; i++) {
  const id = profile.samples[i];
  selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
}
const byFunction = new Map();
let total = 0;
for (const node of profile.nodes) {
  const us = selfUs.get(node.id) ?? 0;
  total += us;
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url ? `${url.replace(/^file:\/\//, "").replace(/.*\/node_modules\//, "~/")}:${lineNumber + 1}` : "";
  const key = `${functionName || "(anonymous)"}  ${where}`;
  byFunction.set(key, (byFunction.get(key) ?? 0) + us);
}
const rows = [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top);
console.log(`${file}: ${(total / 1e6).toFixed(2)} s sampled`);
for (const [key, us] of rows) console.log(`  ${(us / 1e3).toFixed(0).padStart(7)} ms ${((100 * us) / total).toFixed(1).padStart(5)}%  ${key}`);
