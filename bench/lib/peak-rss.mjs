#!/usr/bin/env node
// Fallback when GNU time is missing: runs a command (stdio inherited) and
// writes its peak RSS in KiB to <out>, sampled from /proc/<pid>/status VmHWM
// every 5 ms (VmHWM is the kernel's own high-water mark, so only the last
// few ms before exit can be missed).
// Usage: node bench/lib/peak-rss.mjs <out> <command> [args...]
import { spawn } from "node:child_process";
import fs from "node:fs";

const [out, cmd, ...args] = process.argv.slice(2);
const child = spawn(cmd, args, { stdio: "inherit" });
let peak = 0;
const sample = () => {
  try {
    const m = /VmHWM:\s*(\d+)/.exec(fs.readFileSync(`/proc/${child.pid}/status`, "utf8"));
    if (m) peak = Math.max(peak, Number(m[1]));
  } catch {}
};
const timer = setInterval(sample, 5);
child.on("exit", (code, signal) => {
  clearInterval(timer);
  fs.writeFileSync(out, `${peak}\n`);
  process.exit(signal ? 1 : code ?? 1);
});
