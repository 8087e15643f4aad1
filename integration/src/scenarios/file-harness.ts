/**
 * The scenario harness for core's local-file target. There is no network, so
 * there are no faults to inject; the "missing container" is a destination
 * folder that does not exist, and "server down" one whose parent is a file.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { FILE_TARGET_LIMITS, fileTarget, type Target } from "@tartape/core";
import type { BadTarget, CliDestination, MakeTargetOptions, TargetHarness } from "./harness.js";

class FileHarness implements TargetHarness {
  readonly name = "file";
  readonly minPartSize = FILE_TARGET_LIMITS.minPartSize;
  readonly faults = null;
  private root: string | null = null;
  private keys = 0;

  async setup(): Promise<void> {
    this.root = fs.mkdtempSync(path.join(os.tmpdir(), "tartape-file-target-"));
    fs.mkdirSync(this.destination());
  }

  async teardown(): Promise<void> {
    if (this.root !== null) fs.rmSync(this.root, { recursive: true, force: true, maxRetries: 3 });
    this.root = null;
  }

  /** The folder every key lives in: the file target's "bucket". */
  private destination(): string {
    if (this.root === null) throw new Error("The file harness is used before setup() or after teardown().");
    return path.join(this.root, "destination");
  }

  private pathOf(key: string): string {
    return path.join(this.destination(), key);
  }

  freshKey(label: string): string {
    return `${label.replace(/[^A-Za-z0-9-]/g, "-")}-${++this.keys}.tar`;
  }

  makeTarget(key: string, options: MakeTargetOptions = {}): Target {
    if (options.viaProxy) throw new Error("The file target has no network, so no fault proxy; its faults are null.");
    return fileTarget(this.pathOf(key), {
      ...(options.partSize !== undefined ? { partSize: options.partSize } : {}),
      ...(options.limits ? { limits: options.limits } : {}),
    });
  }

  async putObject(key: string, bytes: Buffer): Promise<void> {
    await fs.promises.writeFile(this.pathOf(key), bytes);
  }

  async corruptStoredByte(key: string, offset: number): Promise<void> {
    const file = this.pathOf(key);
    const before = await fs.promises.stat(file, { bigint: true });
    const handle = await fs.promises.open(file, "r+");
    try {
      const one = Buffer.alloc(1);
      await handle.read(one, 0, 1, offset);
      one[0] = one[0]! ^ 0xff;
      await handle.write(one, 0, 1, offset);
    } finally {
      await handle.close();
    }
    // Node's utimes goes through a double; GNU touch puts back the exact nanoseconds.
    const ns = before.mtimeNs;
    execFileSync("touch", ["-m", "-d", `@${ns / 1_000_000_000n}.${String(ns % 1_000_000_000n).padStart(9, "0")}`, file]);
  }

  async readObject(key: string): Promise<Buffer | null> {
    try {
      return await fs.promises.readFile(this.pathOf(key));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw err;
    }
  }

  async deleteObject(key: string): Promise<void> {
    await fs.promises.rm(this.pathOf(key), { force: true });
  }

  /** Partial files of this key: the file target names them `.<key>.<fingerprint 12 hex>.partial`. */
  async leftovers(key: string): Promise<string[]> {
    const names = await fs.promises.readdir(this.destination());
    return names.filter((name) => name.startsWith(`.${key}.`) && name.endsWith(".partial"));
  }

  cli(key: string, options: { viaProxy?: boolean } = {}): CliDestination {
    if (options.viaProxy) throw new Error("The file target has no network, so no fault proxy; its faults are null.");
    return { url: pathToFileURL(this.pathOf(key)).href, args: [], env: {} };
  }

  badTargets(): { missingContainer: BadTarget; wrongCredentials: BadTarget | null; serverDown: BadTarget } {
    const root = this.root ?? os.tmpdir();
    const notAFolder = path.join(root, "not-a-folder");
    fs.writeFileSync(notAFolder, "a file where the destination folder should be\n");
    return {
      missingContainer: { target: fileTarget(path.join(root, "no-such-folder", "x.tar")), messageIncludes: "no-such-folder" },
      wrongCredentials: this.readOnlyTarget(root),
      // The nearest thing to a server that is down: the destination cannot be reached at all.
      serverDown: { target: fileTarget(path.join(notAFolder, "x.tar")), code: "TARGET_NOT_FOUND", messageIncludes: "not-a-folder" },
    };
  }

  /** A folder without write permission; null when running as root, who may write anywhere. */
  private readOnlyTarget(root: string): BadTarget | null {
    if (process.getuid?.() === 0) return null;
    const readOnly = path.join(root, "read-only");
    fs.mkdirSync(readOnly, { recursive: true, mode: 0o555 });
    fs.chmodSync(readOnly, 0o555);
    return { target: fileTarget(path.join(readOnly, "x.tar")), messageIncludes: "read-only" };
  }
}

export function fileHarness(): TargetHarness {
  return new FileHarness();
}
