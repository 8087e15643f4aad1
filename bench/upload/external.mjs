// Uploaders that are whole commands: the tartape CLI, rclone, one curl PUT. Each runs under
// /usr/bin/time, so its wall time, CPU and peak RSS are the whole process's, start-up included,
// as a user running the command sees them.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

/** rclone, pinned; built by `go install` into the tartape cache when missing (about 8 minutes on 2 cores). */
export const RCLONE = { module: "github.com/rclone/rclone", version: "v1.76.0" };

/** The rclone binary to use, or null (with the reason logged) when none can be had. */
export function findRclone(binDir, log) {
  const bin = path.join(binDir, "rclone");
  const stamp = `${bin}.version`;
  const pin = `${RCLONE.module}@${RCLONE.version}`;
  if (fs.existsSync(bin) && (fs.existsSync(stamp) ? fs.readFileSync(stamp, "utf8").trim() === pin : goBuildInfoNames(bin, RCLONE))) return bin;
  log(`building rclone (${pin}) into ${binDir}; this takes minutes`);
  const built = spawnSync("go", ["install", pin], { env: { ...process.env, GOBIN: binDir }, stdio: ["ignore", "inherit", "inherit"] });
  if (built.error || built.status !== 0) {
    log(`! rclone could not be built (${built.error?.message ?? `exit ${built.status}`}): its row is left out`);
    return null;
  }
  fs.writeFileSync(stamp, `${pin}\n`);
  return bin;
}

function goBuildInfoNames(bin, pin) {
  const info = spawnSync("go", ["version", "-m", bin], { encoding: "utf8" });
  return info.status === 0 && info.stdout.includes(`mod\t${pin.module}\t${pin.version}`);
}

/**
 * Runs `command args` under /usr/bin/time with stdin from `stdinFile` (or nothing); resolves to
 * { seconds, cpuSeconds, peakRssKiB } or rejects with the command's stderr.
 */
export function runTimed(command, args, { stdinFile, env } = {}) {
  return new Promise((resolve, reject) => {
    const stdin = stdinFile ? fs.openSync(stdinFile, "r") : "ignore";
    const child = spawn("/usr/bin/time", ["-f", "TIME %e %U %S %M", command, ...args], { stdio: [stdin, "pipe", "pipe"], env: { ...process.env, ...env } });
    if (typeof stdin === "number") fs.closeSync(stdin);
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("error", reject);
    child.on("close", (code) => {
      const m = /TIME ([\d.]+) ([\d.]+) ([\d.]+) (\d+)\s*$/.exec(err);
      if (code !== 0 || !m) return reject(new Error(`${path.basename(command)} failed (exit ${code}):\n${err.trim() || out.trim()}`));
      resolve({ seconds: Number(m[1]), cpuSeconds: Number(m[2]) + Number(m[3]), peakRssKiB: Number(m[4]) });
    });
  });
}
