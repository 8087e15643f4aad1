/**
 * Writes entries under the destination folder, checking the real file system
 * at write time (node-tar's lesson): every folder on the way must be a real
 * directory, never a symbolic link, whoever made it. Files and links are made
 * under a temporary name inside the restore's own folder and renamed into
 * place, so nothing half-written ever carries an entry's real name.
 */
import fs from "node:fs";
import path from "node:path";
import { RESTORE_STATE_DIR } from "./safe-path.js";

/** A reason an entry cannot be written safely; the restore lists it and carries on. */
export class Refusal {
  constructor(readonly reason: string) {}
}

/** Owner and group ids to give an entry (only when asked, as root). */
export interface Owner {
  readonly uid: number;
  readonly gid: number;
}

interface PendingDir {
  readonly absolute: string;
  readonly depth: number;
  readonly mode: number;
  readonly mtime: number;
  readonly owner: Owner | undefined;
}

/**
 * Seconds as a Date: Node's utimes takes a negative number of seconds for
 * "now", and a Date before 1970 for what it is.
 */
function asDate(seconds: number): Date {
  return new Date(seconds * 1000);
}

function lstatOrNull(file: string): fs.Stats | null {
  try {
    return fs.lstatSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    // Raw: restoreTape says what a failed system call on the destination means.
    throw err;
  }
}

export class Destination {
  /** The restore's journal and temporary files. */
  readonly stateDir: string;
  private readonly temporaryDir: string;
  /** Folders seen to be real directories in this run; a directory is never replaced by a link here, so they stay so. */
  private readonly verified = new Set<string>();
  private readonly dirs: PendingDir[] = [];
  private temporaries = 0;

  constructor(readonly root: string) {
    this.stateDir = path.join(root, RESTORE_STATE_DIR);
    this.temporaryDir = path.join(this.stateDir, "tmp");
    fs.rmSync(this.temporaryDir, { recursive: true, force: true });
    fs.mkdirSync(this.temporaryDir, { recursive: true });
    fs.mkdirSync(this.partialDir, { recursive: true });
  }

  get partialDir(): string {
    return path.join(this.stateDir, "partial");
  }

  absolute(components: readonly string[]): string {
    return path.join(this.root, ...components);
  }

  /** Makes the folders `components` (all of them), each checked to be a real directory. */
  ensureDirs(components: readonly string[], create = true): Refusal | null {
    let current = this.root;
    for (let i = 0; i < components.length; i++) {
      current = path.join(current, components[i]!);
      if (this.verified.has(current)) continue;
      let stat = lstatOrNull(current);
      if (stat === null && create) {
        try {
          fs.mkdirSync(current);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
        }
        stat = lstatOrNull(current);
      }
      const shown = components.slice(0, i + 1).join("/");
      if (stat === null) return new Refusal(`'${shown}' does not exist`);
      if (stat.isSymbolicLink()) return new Refusal(`'${shown}' on its way is a symbolic link; nothing is written through links`);
      if (!stat.isDirectory()) return new Refusal(`'${shown}' on its way is not a folder`);
      this.verified.add(current);
    }
    return null;
  }

  /** A directory entry: made now, its mode and mtime set by finishDirs once its contents are in. */
  makeDir(components: readonly string[], mode: number, mtime: number, owner?: Owner): Refusal | null {
    const refusal = this.ensureDirs(components);
    if (refusal === null) this.dirs.push({ absolute: this.absolute(components), depth: components.length, mode, mtime, owner });
    return refusal;
  }

  /** A name for a file being written; renamed into place by place(). */
  temporaryName(): string {
    return path.join(this.temporaryDir, String(this.temporaries++));
  }

  /** Moves the finished `temporary` (file or link) to `components`, replacing a file or link there, never a folder. */
  place(temporary: string, components: readonly string[]): Refusal | null {
    const parentRefusal = this.ensureDirs(components.slice(0, -1));
    if (parentRefusal !== null) return this.discard(temporary, parentRefusal);
    const target = this.absolute(components);
    try {
      // rename(2) replaces a file or a link (never following it) and refuses to replace a folder.
      fs.renameSync(temporary, target);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "EISDIR" || code === "ENOTEMPTY" || code === "EEXIST" || code === "ENOTDIR") return this.discard(temporary, new Refusal("a folder is already in its place"));
      throw err;
    }
    this.placed(components);
    return null;
  }

  /** A file or link now stands at `components` (renamed there here or by the writer thread): it is no folder. */
  placed(components: readonly string[]): void {
    this.verified.delete(this.absolute(components));
  }

  /** A symbolic link (whose target the caller checked) with its own mtime. */
  makeSymlink(components: readonly string[], target: string, mtime: number, owner?: Owner): Refusal | null {
    const temporary = this.temporaryName();
    fs.symlinkSync(target, temporary);
    if (owner !== undefined) fs.lchownSync(temporary, owner.uid, owner.gid);
    fs.lutimesSync(temporary, asDate(mtime), asDate(mtime));
    return this.place(temporary, components);
  }

  /** A hard link to a regular file restored earlier under the destination, reached through real folders only. */
  makeHardlink(components: readonly string[], targetComponents: readonly string[]): Refusal | null {
    const refusal = this.ensureDirs(targetComponents.slice(0, -1), false);
    if (refusal !== null) return new Refusal(`its link target: ${refusal.reason}`);
    const target = this.absolute(targetComponents);
    if (!lstatOrNull(target)?.isFile()) return new Refusal(`its link target '${targetComponents.join("/")}' is not a regular file restored here`);
    const temporary = this.temporaryName();
    fs.linkSync(target, temporary);
    return this.place(temporary, components);
  }

  /** Modes and mtimes of the directories made: deepest first, so writing into a folder never moves its mtime afterwards. */
  finishDirs(): void {
    const dirs = [...this.dirs].sort((a, b) => b.depth - a.depth);
    for (const dir of dirs) {
      // chown first: it clears setuid and setgid, which the mode then sets when asked.
      if (dir.owner !== undefined) fs.chownSync(dir.absolute, dir.owner.uid, dir.owner.gid);
      fs.chmodSync(dir.absolute, dir.mode);
      fs.utimesSync(dir.absolute, asDate(dir.mtime), asDate(dir.mtime));
    }
  }

  /** The restore is complete: its journal and temporaries go. */
  removeState(): void {
    fs.rmSync(this.stateDir, { recursive: true, force: true });
  }

  private discard(temporary: string, refusal: Refusal): Refusal {
    fs.rmSync(temporary, { force: true });
    return refusal;
  }
}
