/**
 * Who holds a tape lock, as written in the lock file, and whether that holder
 * can still be alive. A holder on this host is alive while its pid exists and
 * (on Linux) still belongs to the process that took the lock; a holder on
 * another host (an index on a shared file system) is alive while it keeps
 * renewing its lease.
 */
import fs from "node:fs";
import os from "node:os";

export interface LockHolder {
  readonly pid: number;
  readonly host: string;
  /** When the lock was taken (ISO 8601). */
  readonly since: string;
  /** What the holder is doing, e.g. `upload to s3://bucket/key`. */
  readonly purpose: string;
  /** Tells this holding apart from any other, even by the same pid. */
  readonly nonce: string;
  /** The process's start time in clock ticks since boot (Linux), so a reused pid is not taken for the holder. */
  readonly startTicks?: string;
}

interface ProcStat {
  /** R, S, D, Z (zombie: dead, not yet reaped by its parent)... */
  readonly state: string;
  readonly startTicks: string | undefined;
}

/** State and start time of `pid` from /proc (fields 3 and 22 of its stat line), or undefined where /proc is not available. */
function procStat(pid: number): ProcStat | undefined {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined;
  }
  // The command name (field 2) is in parentheses and may hold spaces: count fields after its closing one.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return { state: fields[0] ?? "", startTicks: fields[19] };
}

/** The start time of `pid` in clock ticks since boot (Linux), or undefined. */
export function processStartTicks(pid: number): string | undefined {
  return procStat(pid)?.startTicks;
}

function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

export function currentHolder(purpose: string, nonce: string): LockHolder {
  const startTicks = processStartTicks(process.pid);
  return {
    pid: process.pid,
    host: os.hostname(),
    since: new Date().toISOString(),
    purpose,
    nonce,
    ...(startTicks !== undefined ? { startTicks } : {}),
  };
}

export type Liveness = "alive" | "dead" | "unknown";

/** Whether a holder on this host still runs; "unknown" for another host, whose lease decides. */
export function holderLiveness(holder: LockHolder): Liveness {
  if (holder.host !== os.hostname()) return "unknown";
  if (!pidExists(holder.pid)) return "dead";
  const stat = procStat(holder.pid);
  // A killed process whose parent has not reaped it yet still answers kill(pid, 0).
  if (stat?.state === "Z") return "dead";
  if (holder.startTicks !== undefined && stat?.startTicks !== undefined && stat.startTicks !== holder.startTicks) return "dead";
  return "alive";
}

/** The holder a lock file names, or undefined when it is unreadable (being written, or damaged). */
export function parseHolder(text: string): LockHolder | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockHolder>;
    if (typeof value.pid !== "number" || typeof value.host !== "string" || typeof value.since !== "string" || typeof value.nonce !== "string") return undefined;
    return { purpose: "", ...value } as LockHolder;
  } catch {
    return undefined;
  }
}
