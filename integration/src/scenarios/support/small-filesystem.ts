/**
 * Small file systems made by a test and removed after it: a size-limited
 * tmpfs for a full disk, remounted read-only for a source nothing can be
 * written into. Mounting needs root (or CAP_SYS_ADMIN); where it is refused,
 * `mountSupport()` says why, so the tests skip with that reason.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

function run(command: string, args: readonly string[]): void {
  execFileSync(command, args, { stdio: ["ignore", "ignore", "pipe"] });
}

function failure(err: unknown): string {
  const stderr = (err as { stderr?: Buffer }).stderr?.toString().trim();
  return stderr || (err as Error).message;
}

let support: string | null | undefined;

/** null when tmpfs can be mounted here; otherwise the reason it cannot (probed once, with a mount of its own). */
export function mountSupport(): string | null {
  if (support !== undefined) return support;
  if (process.platform !== "linux") return (support = `mounting a tmpfs needs Linux (this is ${process.platform})`);
  const probe = fs.mkdtempSync(path.join(os.tmpdir(), "tartape-mount-probe-"));
  try {
    run("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", probe]);
    run("umount", [probe]);
    support = null;
  } catch (err) {
    support = `cannot mount a tmpfs (${failure(err)}); run as root to test full and read-only file systems`;
  } finally {
    fs.rmSync(probe, { recursive: true, force: true });
  }
  return support;
}

export class SmallFileSystem {
  private mounted = true;

  private constructor(readonly dir: string) {}

  /** A new tmpfs of `bytes` (rounded up to pages by the kernel) at a new folder. */
  static mount(bytes: number): SmallFileSystem {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tartape-small-fs-"));
    run("mount", ["-t", "tmpfs", "-o", `size=${bytes}`, "tmpfs", dir]);
    return new SmallFileSystem(dir);
  }

  resize(bytes: number): void {
    run("mount", ["-o", `remount,size=${bytes}`, this.dir]);
  }

  readOnly(): void {
    run("mount", ["-o", "remount,ro", this.dir]);
  }

  /** Fills what is free, but `leave` bytes, with one file (removed again by `free()`). */
  fill(leave = 0): void {
    const { bavail, bsize } = fs.statfsSync(this.dir);
    const free = bavail * bsize - leave;
    if (free > 0) fs.writeFileSync(path.join(this.dir, "filler"), Buffer.alloc(free));
  }

  free(): void {
    fs.rmSync(path.join(this.dir, "filler"), { force: true });
  }

  unmount(): void {
    if (!this.mounted) return;
    this.mounted = false;
    run("umount", [this.dir]);
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
