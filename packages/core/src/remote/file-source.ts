/**
 * The local file's reading side: a tape written by the file target (or any
 * tar file) read back by byte range. A version is the file's device, inode,
 * size and mtime; a read opens the file, checks the version on the open
 * descriptor, and reads from that descriptor, so a file replaced (renamed
 * over) meanwhile is either refused or read whole as the version checked.
 */
import fs from "node:fs";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { Readable } from "node:stream";
import { fsError } from "../upload/file-target.js";
import type { PartBody } from "../upload/target.js";
import { ObjectChangedError } from "./errors.js";
import { CATALOG_SUFFIX, type ObjectVersion, type RemoteObjects, type Source } from "./source.js";

function versionOf(stat: fs.BigIntStats): ObjectVersion {
  return { size: Number(stat.size), version: `${stat.dev}:${stat.ino}:${stat.size}:${stat.mtimeNs}` };
}

export class FileSource implements Source {
  readonly id: string;

  constructor(readonly path: string) {
    this.id = `file://${path}`;
  }

  async stat(): Promise<ObjectVersion | null> {
    try {
      const stat = await fs.promises.stat(this.path, { bigint: true });
      if (!stat.isFile()) return null;
      return versionOf(stat);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "ENOENT" || code === "ENOTDIR") return null;
      throw fsError(`Cannot read ${this.path}`, err);
    }
  }

  async read(start: number, end: number, version: ObjectVersion, signal?: AbortSignal): Promise<Readable> {
    signal?.throwIfAborted();
    let handle: fs.promises.FileHandle;
    try {
      handle = await fs.promises.open(this.path, "r");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") throw new ObjectChangedError(this.id);
      throw fsError(`Cannot read ${this.path}`, err);
    }
    try {
      if (versionOf(await handle.stat({ bigint: true })).version !== version.version) throw new ObjectChangedError(this.id);
    } catch (err) {
      await handle.close();
      throw err;
    }
    if (end <= start) {
      await handle.close();
      return Readable.from([]);
    }
    return handle.createReadStream({ start, end: end - 1, autoClose: true, ...(signal ? { signal } : {}) });
  }
}

/** The file target's finished file and its catalog beside it (`<file>.tartape-catalog`). */
export function fileRemoteObjects(filePath: string): RemoteObjects {
  const catalogPath = filePath + CATALOG_SUFFIX;
  return {
    tape: new FileSource(filePath),
    catalog: new FileSource(catalogPath),
    async putCatalog(body: PartBody, signal: AbortSignal): Promise<void> {
      // Written beside it and renamed into place: a reader never sees half a catalog.
      const partial = path.join(path.dirname(catalogPath), `.${path.basename(catalogPath)}.partial`);
      try {
        // flush: fsync before the stream closes, so the rename never exposes unwritten bytes.
        await pipeline(body.open(), fs.createWriteStream(partial, { flush: true }), { signal });
        await fs.promises.rename(partial, catalogPath);
      } catch (err) {
        await fs.promises.rm(partial, { force: true });
        // A read error of the body, or an abort, is not the destination's fault.
        if (signal.aborted || typeof (err as NodeJS.ErrnoException).syscall !== "string") throw err;
        throw fsError(`Cannot write the catalog ${catalogPath}`, err);
      }
    },
  };
}
