/**
 * One writer per tape: a lock file beside the index, held by whatever writes
 * the index or the destinations it records (record, upload, abort). A file
 * rather than a row in the index: taking it must not depend on the index
 * being readable (a damaged or half-written index is exactly when two
 * writers would do harm), and it stays out of the index schema.
 *
 * The file is created with O_EXCL and names its holder (pid, host, start
 * time, what it does). A second process reads it and refuses with
 * TapeLockedError. A lock left by a process that died is taken over: on this
 * host when its pid is gone (or now belongs to another process), from another
 * host (an index on a shared file system) when its lease ran out, i.e. the
 * holder stopped renewing the file's mtime. A live holder on this host is
 * never displaced, however old its lease.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { TapeLockedError } from "../errors.js";
import { indexWriteError } from "../index/index-errors.js";
import { currentHolder, holderLiveness, parseHolder, type LockHolder } from "./lock-holder.js";

export const LOCK_SUFFIX = ".lock";
/** A holder on another host that has not renewed its lock for this long is taken for dead. */
export const DEFAULT_LEASE_MS = 10 * 60_000;
/** A lock file still empty or unreadable after this long was left by a process that died while creating it. */
const UNREADABLE_GRACE_MS = 10_000;

export interface LockOptions {
  /** Lease of a holder on another host (default 10 minutes); renewed at a tenth of it. */
  readonly leaseMs?: number;
}

/**
 * The lock file of the index at `indexPath`, its folder's symbolic links
 * resolved: two spellings of one index must meet at one lock.
 */
export function lockPathFor(indexPath: string): string {
  const absolute = path.resolve(indexPath);
  let folder = path.dirname(absolute);
  try {
    folder = fs.realpathSync(folder);
  } catch {
    // Not there yet: acquireTapeLock creates it before it takes the lock, and asks again.
  }
  return path.join(folder, path.basename(absolute) + LOCK_SUFFIX);
}

/**
 * Creates the index's folder when it is missing, leaving the mtime of the
 * folder it is created in as it was: that is usually the recorded directory,
 * whose mtime goes into the tape's first header and is read by a scan that
 * may come after the lock is taken.
 */
function ensureFolder(folder: string, indexPath: string): void {
  const missing: string[] = [];
  let existing = folder;
  while (!fs.existsSync(existing)) {
    missing.unshift(existing);
    const up = path.dirname(existing);
    if (up === existing) break;
    existing = up;
  }
  if (missing.length === 0) return;
  let before: fs.Stats | undefined;
  try {
    before = fs.statSync(existing);
  } catch {
    before = undefined;
  }
  // One level at a time: a recursive mkdir reports a read-only file system as ENOENT.
  for (const level of missing) {
    try {
      fs.mkdirSync(level);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw indexWriteError(indexPath, err);
    }
  }
  try {
    if (before) fs.utimesSync(existing, before.atime, before.mtime);
  } catch {
    // Best effort: a changed mtime only changes that directory's own header, as creating the index always did.
  }
}

function newNonce(): string {
  return randomBytes(9).toString("base64url");
}

interface Observed {
  readonly text: string;
  readonly holder: LockHolder | undefined;
  readonly mtimeMs: number;
}

function observe(lockPath: string): Observed | undefined {
  try {
    const text = fs.readFileSync(lockPath, "utf8");
    const { mtimeMs } = fs.statSync(lockPath);
    return { text, holder: parseHolder(text), mtimeMs };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}

function isStale(seen: Observed, leaseMs: number): boolean {
  const age = Date.now() - seen.mtimeMs;
  if (seen.holder === undefined) return age > UNREADABLE_GRACE_MS;
  const liveness = holderLiveness(seen.holder);
  if (liveness === "unknown") return age > leaseMs;
  return liveness === "dead";
}

/**
 * Moves a stale lock out of the way. The rename is atomic, so of several
 * processes taking over at once only one moves the file it judged; one that
 * moved a fresh lock instead (taken meanwhile by another) puts it back.
 */
function takeOver(lockPath: string, judged: Observed, nonce: string): void {
  const moved = `${lockPath}.stale-${nonce}`;
  try {
    fs.renameSync(lockPath, moved);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return;
    throw err;
  }
  try {
    if (fs.readFileSync(moved, "utf8") !== judged.text) {
      try {
        fs.linkSync(moved, lockPath);
      } catch {
        // A third process created a lock meanwhile: the one moved finds it lost at its next renewal.
      }
    }
  } finally {
    fs.rmSync(moved, { force: true });
  }
}

/** A lock this process holds. */
export class TapeLock {
  private timer: NodeJS.Timeout | undefined;
  private released = false;
  /** Set when a renewal found the file no longer ours. */
  lost = false;

  constructor(
    readonly path: string,
    readonly holder: LockHolder,
    leaseMs: number,
  ) {
    this.timer = setInterval(() => this.renew(), Math.max(1000, Math.floor(leaseMs / 10)));
    this.timer.unref();
  }

  private ours(): boolean {
    return observe(this.path)?.holder?.nonce === this.holder.nonce;
  }

  private renew(): void {
    try {
      if (!this.ours()) {
        this.lost = true;
        clearInterval(this.timer);
        return;
      }
      const now = new Date();
      fs.utimesSync(this.path, now, now);
    } catch {
      // Renewal is retried at the next tick; a lease only matters to other hosts.
    }
  }

  /** Removes the lock file if it is still ours. Idempotent. */
  release(): void {
    if (this.released) return;
    this.released = true;
    clearInterval(this.timer);
    try {
      if (this.ours()) fs.rmSync(this.path, { force: true });
    } catch {
      // A lock file that cannot be removed is taken over once this process is gone.
    }
  }
}

/** Takes the lock of the index at `indexPath`, or throws TapeLockedError naming its holder. */
export async function acquireTapeLock(indexPath: string, purpose: string, options: LockOptions = {}): Promise<TapeLock> {
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  const absolute = path.resolve(indexPath);
  ensureFolder(path.dirname(absolute), absolute);
  const lockPath = lockPathFor(absolute);
  const nonce = newNonce();
  const holder = currentHolder(purpose, nonce);
  let last: Observed | undefined;
  for (let attempt = 0; attempt < 20; attempt++) {
    let fd: number;
    try {
      fd = fs.openSync(lockPath, "wx");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw indexWriteError(absolute, err);
      last = observe(lockPath);
      if (last === undefined) continue;
      if (isStale(last, leaseMs)) {
        takeOver(lockPath, last, nonce);
        continue;
      }
      // Empty or half written by a holder creating it this very moment: look again shortly.
      if (last.holder === undefined) {
        await sleep(25);
        continue;
      }
      throw new TapeLockedError(lockPath, last.holder);
    }
    try {
      fs.writeSync(fd, JSON.stringify(holder));
    } catch (err) {
      fs.closeSync(fd);
      fs.rmSync(lockPath, { force: true });
      throw indexWriteError(absolute, err);
    }
    fs.closeSync(fd);
    return new TapeLock(lockPath, holder, leaseMs);
  }
  throw new TapeLockedError(lockPath, last?.holder);
}

/** Lock paths the current async call chain holds: record inside upload does not take its own lock again. */
const heldHere = new AsyncLocalStorage<ReadonlySet<string>>();

/**
 * Runs `fn` holding the lock of the index at `indexPath`. Re-entrant within
 * one call chain (upload records through record()), exclusive between
 * processes and between separate calls in one process.
 */
export async function withTapeLock<T>(indexPath: string, purpose: string, fn: () => Promise<T>, options: LockOptions = {}): Promise<T> {
  const held = heldHere.getStore();
  if (held?.has(lockPathFor(indexPath))) return fn();
  const lock = await acquireTapeLock(indexPath, purpose, options);
  try {
    return await heldHere.run(new Set([...(held ?? []), lock.path]), fn);
  } finally {
    lock.release();
  }
}
