import type { ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Backstop so tests never leak servers or their data: whatever is still registered here when
 * this process exits (normally, via process.exit, or on an unhandled SIGINT/SIGTERM/SIGHUP)
 * is killed / deleted synchronously. Normal shutdown goes through each server's stop().
 */
interface Registry {
  children: Set<ChildProcess>;
  tempDirs: Set<string>;
  /** Synchronous tasks run at exit before the children are killed (e.g. removing containers). */
  exitTasks?: Set<() => void>;
  /** Signal listeners of libraries, which never end the process while another listener exists. */
  passiveListeners?: Set<NodeJS.SignalsListener>;
  hooksInstalled: boolean;
  swept: boolean;
}

// One registry per process even if this module is loaded twice (test runners re-evaluate
// modules per file); two copies would each see the other's signal handler and both stand down.
const registry: Registry = ((globalThis as { [key: symbol]: Registry | undefined })[Symbol.for("tartape.cleanup")] ??= {
  children: new Set(),
  tempDirs: new Set(),
  hooksInstalled: false,
  swept: false,
});

const SIGNALS: readonly NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];
const TEMP_PREFIX = "tartape-srv-";

function cleanupNow(): void {
  for (const task of registry.exitTasks ?? []) {
    try {
      task();
    } catch {
      // Best effort at exit; each task's owner has its own fallback.
    }
  }
  registry.exitTasks?.clear();
  for (const child of registry.children) {
    try {
      child.kill("SIGKILL");
    } catch {
      // Already gone.
    }
  }
  registry.children.clear();
  for (const dir of registry.tempDirs) {
    try {
      rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    } catch {
      // Best effort at exit; the next run's orphan sweep retries.
    }
  }
  registry.tempDirs.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  // When the application handles the signal itself (the servers CLI does), it stops the servers
  // gracefully and the exit hook stays the backstop. Otherwise keep Node's default behaviour
  // (terminate) but clean up first. Listeners of libraries that only end the process when nobody
  // else listens (see ignoringSignalListenersOf) do not count as the application's.
  const listeners = process.listeners(signal).filter((listener) => !registry.passiveListeners?.has(listener));
  if (listeners.length > 1) return;
  cleanupNow();
  process.removeListener(signal, onSignal);
  process.kill(process.pid, signal);
}

/**
 * Runs `load` (an import) and marks the signal listeners it adds as a library's, not the
 * application's. signal-exit (loaded with testcontainers) re-raises a signal only when no other
 * listener exists: counted as the application's handler, it and onSignal would each wait for the
 * other and a SIGTERM would leave the process running.
 */
export async function ignoringSignalListenersOf<T>(load: () => Promise<T>): Promise<T> {
  const before = new Set(SIGNALS.flatMap((signal) => process.listeners(signal)));
  try {
    return await load();
  } finally {
    for (const signal of SIGNALS) {
      for (const listener of process.listeners(signal)) if (!before.has(listener)) (registry.passiveListeners ??= new Set()).add(listener);
    }
  }
}

function installHooks(): void {
  if (registry.hooksInstalled) return;
  registry.hooksInstalled = true;
  process.on("exit", cleanupNow);
  for (const signal of SIGNALS) process.on(signal, onSignal);
}

export function trackChild(child: ChildProcess): void {
  installHooks();
  registry.children.add(child);
  child.once("exit", () => registry.children.delete(child));
}

/** Runs `task` (synchronous: nothing can be awaited at exit) when this process exits or is signalled. */
export function runAtExit(task: () => void): void {
  installHooks();
  (registry.exitTasks ??= new Set()).add(task);
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Deletes server dirs left by processes that died without any exit hook (SIGKILL): the owner's
 * pid is in the name, so a dead owner means nobody uses the dir any more (its servers died with
 * it through the parent-death signal).
 */
export function removeOrphanedTempDirs(): void {
  for (const name of readdirSync(tmpdir())) {
    const pid = Number(/^tartape-srv-(\d+)-/.exec(name)?.[1]);
    if (pid && pid !== process.pid && !isAlive(pid)) rmSync(join(tmpdir(), name), { recursive: true, force: true });
  }
}

/** A fresh private directory under the OS temp dir, deleted at exit unless removed earlier. */
export function makeTempDir(label: string): string {
  installHooks();
  if (!registry.swept) {
    registry.swept = true;
    removeOrphanedTempDirs();
  }
  const dir = mkdtempSync(join(tmpdir(), `${TEMP_PREFIX}${process.pid}-${label}-`));
  registry.tempDirs.add(dir);
  return dir;
}

export async function removeTempDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true, maxRetries: 3 });
  registry.tempDirs.delete(dir);
}
