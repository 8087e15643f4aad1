// What every uploader child shares: reading its job from argv, and reporting
// one JSON line with its own timing, CPU and memory. Peak RSS is the
// kernel's high-water mark of this process (VmHWM), read after the upload,
// so it covers the whole life of the process and nothing else.
import fs from "node:fs";

/** The job the parent passed as the one JSON argument. */
export function readJob() {
  const arg = process.argv[2];
  if (!arg) {
    console.error(`usage: node ${process.argv[1]} '<job JSON>' (started by bench/upload.mjs)`);
    process.exit(2);
  }
  return JSON.parse(arg);
}

function statusKiB(field) {
  const m = new RegExp(`^${field}:\\s*(\\d+) kB`, "m").exec(fs.readFileSync("/proc/self/status", "utf8"));
  return m ? Number(m[1]) : undefined;
}

/** Runs `upload` (which resolves to the number of bytes it sent) and prints the report line. */
export async function measure(upload) {
  // RSS once the SDKs are loaded, before any byte moves: the floor both uploaders share.
  const rssBeforeKiB = statusKiB("VmRSS");
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const bytes = await upload();
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  const report = {
    bytes,
    seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    rssBeforeKiB,
    peakRssKiB: statusKiB("VmHWM"),
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}
