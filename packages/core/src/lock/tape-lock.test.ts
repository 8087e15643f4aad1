import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { TapeLockedError } from "../errors.js";
import { tempDir } from "../test-util/fs.js";
import { currentHolder, processStartTicks } from "./lock-holder.js";
import { acquireTapeLock, lockPathFor, withTapeLock } from "./tape-lock.js";

/** The pid of a process that has exited (and been reaped), so no process answers to it. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
  return Number(child.stdout);
}

function writeLock(indexPath: string, holder: object, ageMs = 0): string {
  const lockPath = lockPathFor(indexPath);
  fs.mkdirSync(path.dirname(lockPath), { recursive: true });
  fs.writeFileSync(lockPath, JSON.stringify(holder));
  const when = new Date(Date.now() - ageMs);
  fs.utimesSync(lockPath, when, when);
  return lockPath;
}

describe("acquireTapeLock", () => {
  it("refuses a second holder and names the first; release lets the next one in", async () => {
    const indexPath = path.join(tempDir(), ".tartape", "index.db");
    const first = await acquireTapeLock(indexPath, "upload to file:///out.tar");
    const refused = await acquireTapeLock(indexPath, "recording").catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(TapeLockedError);
    const locked = refused as TapeLockedError;
    expect(locked.code).toBe("TAPE_LOCKED");
    expect(locked.holder).toMatchObject({ pid: process.pid, host: os.hostname(), purpose: "upload to file:///out.tar" });
    expect(locked.message).toContain(`pid ${process.pid} on ${os.hostname()}, since ${first.holder.since}`);
    expect(locked.message).not.toContain("\n");
    first.release();
    expect(fs.existsSync(first.path)).toBe(false);
    (await acquireTapeLock(indexPath, "recording")).release();
  });

  it("takes over the lock of a process that is gone", async () => {
    const indexPath = path.join(tempDir(), "index.db");
    writeLock(indexPath, { ...currentHolder("upload", "old"), pid: deadPid() });
    const lock = await acquireTapeLock(indexPath, "upload");
    expect(JSON.parse(fs.readFileSync(lock.path, "utf8")).nonce).toBe(lock.holder.nonce);
    lock.release();
  });

  it.runIf(processStartTicks(process.pid) !== undefined)("takes over a lock whose pid now belongs to another process", async () => {
    const indexPath = path.join(tempDir(), "index.db");
    writeLock(indexPath, { ...currentHolder("upload", "old"), startTicks: "1" });
    (await acquireTapeLock(indexPath, "upload")).release();
  });

  it("never takes over a live holder on this host, however old its lease", async () => {
    const indexPath = path.join(tempDir(), "index.db");
    writeLock(indexPath, currentHolder("upload", "live"), 24 * 3600_000);
    await expect(acquireTapeLock(indexPath, "upload", { leaseMs: 1000 })).rejects.toBeInstanceOf(TapeLockedError);
  });

  it("takes over a holder on another host only once its lease has run out", async () => {
    const indexPath = path.join(tempDir(), "index.db");
    const remote = { ...currentHolder("upload", "remote"), host: "some-other-host.invalid" };
    writeLock(indexPath, remote, 5_000);
    await expect(acquireTapeLock(indexPath, "upload", { leaseMs: 60_000 })).rejects.toThrow(/on some-other-host\.invalid/);
    writeLock(indexPath, remote, 120_000);
    (await acquireTapeLock(indexPath, "upload", { leaseMs: 60_000 })).release();
  });

  it("waits out a lock file being written, and takes over one left empty long ago", async () => {
    const indexPath = path.join(tempDir(), "index.db");
    const lockPath = writeLock(indexPath, {});
    fs.writeFileSync(lockPath, "");
    const refused = await acquireTapeLock(indexPath, "upload").catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(TapeLockedError);
    expect((refused as TapeLockedError).holder).toBeUndefined();
    const old = new Date(Date.now() - 60_000);
    fs.utimesSync(lockPath, old, old);
    (await acquireTapeLock(indexPath, "upload")).release();
  });

  it("release leaves a lock that is no longer its own", async () => {
    const indexPath = path.join(tempDir(), "index.db");
    const lock = await acquireTapeLock(indexPath, "upload");
    fs.writeFileSync(lock.path, JSON.stringify(currentHolder("someone else", "other")));
    lock.release();
    expect(fs.existsSync(lock.path)).toBe(true);
  });

  it("creates the index folder without changing the mtime of the directory it is made in", async () => {
    const dir = tempDir();
    fs.utimesSync(dir, 1_000_000, 1_000_000);
    (await acquireTapeLock(path.join(dir, ".tartape", "index.db"), "recording")).release();
    expect(fs.existsSync(path.join(dir, ".tartape"))).toBe(true);
    expect(Math.floor(fs.statSync(dir).mtimeMs / 1000)).toBe(1_000_000);
  });
});

describe("withTapeLock", () => {
  it("is re-entrant within one call chain and exclusive between calls", async () => {
    const indexPath = path.join(tempDir(), "index.db");
    let proceed!: () => void;
    const gate = new Promise<void>((resolve) => (proceed = resolve));
    const outer = withTapeLock(indexPath, "upload", async () => {
      const nested = await withTapeLock(indexPath, "recording", async () => "nested ran");
      await gate;
      return nested;
    });
    // A second call from outside that chain, while the first holds the lock.
    await expect(withTapeLock(indexPath, "other", async () => "ran")).rejects.toBeInstanceOf(TapeLockedError);
    proceed();
    expect(await outer).toBe("nested ran");
    expect(fs.existsSync(lockPathFor(indexPath))).toBe(false);
  });
});
