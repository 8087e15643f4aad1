// CPU seconds the MinIO server spends per run: on 2 cores the server competes
// with the uploader, so what each uploader costs the server matters too.
import fs from "node:fs";

/** Clock ticks per second of /proc/<pid>/stat; 100 on every Linux this runs on. */
const CLK_TCK = 100;

/** The pid of the process whose command line contains `needle` (our own MinIO: its temp data dir), or undefined. */
export function findPid(needle) {
  for (const name of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (fs.readFileSync(`/proc/${name}/cmdline`, "utf8").includes(needle)) return Number(name);
    } catch {
      // Gone meanwhile.
    }
  }
  return undefined;
}

/** utime + stime of `pid` in seconds, or undefined when it cannot be read. */
export function cpuSeconds(pid) {
  if (pid === undefined) return undefined;
  try {
    // The command name (2nd field) may hold spaces: count fields after its closing paren.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
  } catch {
    return undefined;
  }
}
