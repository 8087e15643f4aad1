/** Temporary folders for one suite run: all under one root, removed together at the end. */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export class Scratch {
  private root: string | null = null;
  private count = 0;

  open(label: string): void {
    this.root = fs.mkdtempSync(path.join(os.tmpdir(), `tartape-${label}-`));
  }

  /** A new empty folder; its basename (the tape's root name) starts with `label`. */
  dir(label: string): string {
    if (this.root === null) throw new Error("Scratch.dir() called before open(): use it inside a test or hook.");
    const dir = path.join(this.root, `${label}-${++this.count}`);
    fs.mkdirSync(dir);
    return dir;
  }

  /** A path for a file that does not exist yet (event logs and the like). */
  file(name: string): string {
    if (this.root === null) throw new Error("Scratch.file() called before open(): use it inside a test or hook.");
    return path.join(this.root, `${++this.count}-${name}`);
  }

  close(): void {
    if (this.root !== null) fs.rmSync(this.root, { recursive: true, force: true, maxRetries: 3 });
    this.root = null;
  }
}
