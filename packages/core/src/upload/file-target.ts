/**
 * The local-file target: parts are written at their offsets into a partial
 * file with positional writes and flushed to disk before they count; complete
 * reads every part back, checks it, and renames the partial file into place.
 * The built-in default target, and the reference for what a target must do.
 */
import { createHash } from "../hash.js";
import fs from "node:fs";
import path from "node:path";
import { IntegrityMismatchError, TargetError } from "../errors.js";
import { fileRemoteObjects } from "../remote/file-source.js";
import { CATALOG_SUFFIX, type RemoteObjects } from "../remote/source.js";
import type { CompletedObject, PartBody, PartReceipt, PartSpec, ServerPart, Target, TargetLimits, UploadContext } from "./target.js";

export interface FileTargetOptions {
  /** Part size in bytes (default: chosen by the planner). */
  readonly partSize?: number;
  /** Override the limits, e.g. to mimic a cloud service in tests. */
  readonly limits?: Partial<TargetLimits>;
}

export const FILE_TARGET_LIMITS: TargetLimits = { minPartSize: 4096, maxPartSize: 5 * 1024 ** 3, maxParts: 10_000 };

function md5Range(fd: number, start: number, end: number): Buffer {
  const hash = createHash("md5");
  const buf = Buffer.allocUnsafe(Math.min(1024 * 1024, Math.max(1, end - start)));
  for (let pos = start; pos < end; ) {
    const n = fs.readSync(fd, buf, 0, Math.min(buf.length, end - pos), pos);
    if (n === 0) break;
    hash.update(buf.subarray(0, n));
    pos += n;
  }
  return hash.digest();
}

export function fsError(what: string, err: unknown): TargetError {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === "ENOENT" || code === "ENOTDIR") return new TargetError("TARGET_NOT_FOUND", `${what}: the folder does not exist. Create it first.`, { cause: err });
  if (code === "EACCES" || code === "EPERM" || code === "EROFS") return new TargetError("TARGET_AUTH", `${what}: permission denied.`, { cause: err });
  return new TargetError("TARGET_ERROR", `${what}: ${(err as Error).message}`, { cause: err });
}

/** A folder's real path (symbolic links resolved), or the path as given when it does not exist (yet). */
function realFolder(folder: string): string {
  try {
    return fs.realpathSync(folder);
  } catch {
    return folder;
  }
}

export class FileTarget implements Target {
  readonly id: string;
  readonly partSize: number | undefined;
  readonly limits: TargetLimits;
  readonly path: string;
  /** The finished file read back, and its catalog beside it. */
  readonly remote: RemoteObjects;
  private realDir: string | undefined;

  constructor(destination: string, options: FileTargetOptions = {}) {
    this.path = path.resolve(destination);
    this.remote = fileRemoteObjects(this.path);
    this.id = `file://${this.path}`;
    this.partSize = options.partSize;
    this.limits = { ...FILE_TARGET_LIMITS, ...options.limits };
  }

  /** The destination and its partial files (`.{name}.{fingerprint 12 hex}.partial`), wherever the folder really is. */
  isOwnFile(realPath: string): boolean {
    // Asked for every entry of a scan: the folder is resolved once.
    const folder = (this.realDir ??= realFolder(path.dirname(this.path)));
    if (path.dirname(realPath) !== folder) return false;
    const name = path.basename(realPath);
    const own = path.basename(this.path);
    // The catalog beside the file (and its partial file while it is written) is the target's too.
    const catalog = own + CATALOG_SUFFIX;
    if (name === catalog || name === `.${catalog}.partial`) return true;
    return name === own || (name.startsWith(`.${own}.`) && /^\.[0-9a-f]{12}\.partial$/.test(name.slice(own.length + 1)));
  }

  /** The partial file an upload writes into; its name is the upload id. */
  private partialPath(uploadId: string): string {
    return path.join(path.dirname(this.path), uploadId);
  }

  async createUpload(ctx: UploadContext): Promise<string> {
    const uploadId = `.${path.basename(this.path)}.${ctx.fingerprint.slice(0, 12)}.partial`;
    try {
      fs.writeFileSync(this.partialPath(uploadId), "");
    } catch (err) {
      throw fsError(`Cannot write next to ${this.path}`, err);
    }
    return uploadId;
  }

  async listParts(uploadId: string, ctx: UploadContext, recorded: readonly PartReceipt[]): Promise<ServerPart[] | null> {
    let fd: number;
    try {
      fd = fs.openSync(this.partialPath(uploadId), "r");
    } catch {
      return null;
    }
    // The "server" is the partial file: a recorded part counts only if its bytes read back intact.
    try {
      const size = fs.fstatSync(fd).size;
      const held: ServerPart[] = [];
      for (const r of recorded) {
        const start = (r.number - 1) * ctx.partSize;
        if (start + r.size > size) continue;
        const md5 = md5Range(fd, start, start + r.size).toString("hex");
        if (md5 === r.etag) held.push({ number: r.number, size: r.size, etag: md5 });
      }
      return held;
    } finally {
      fs.closeSync(fd);
    }
  }

  async uploadPart(uploadId: string, part: PartSpec, body: PartBody, ctx: UploadContext): Promise<PartReceipt> {
    const handle = await fs.promises.open(this.partialPath(uploadId), "r+").catch((err: unknown) => {
      throw (err as NodeJS.ErrnoException).code === "ENOENT"
        ? new TargetError("TARGET_NOT_FOUND", `The partial file of upload ${uploadId} is gone; run again to start a new upload.`, { cause: err })
        : fsError(`Cannot open the partial file of ${this.path}`, err);
    });
    const hash = createHash("md5");
    let position = part.start;
    try {
      for await (const chunk of body.open()) {
        ctx.signal.throwIfAborted();
        const buf = chunk as Buffer;
        hash.update(buf);
        let written = 0;
        while (written < buf.length) {
          const { bytesWritten } = await handle.write(buf, written, buf.length - written, position + written);
          written += bytesWritten;
        }
        position += buf.length;
      }
      if (position !== part.end) throw new IntegrityMismatchError(`Part ${part.number} had ${position - part.start} bytes, expected ${part.size}.`);
      // Durable before acknowledged: the index records the part as soon as this returns.
      await handle.datasync();
    } finally {
      await handle.close();
    }
    const md5 = hash.digest();
    return { number: part.number, size: part.size, etag: md5.toString("hex"), checksum: `md5:${md5.toString("base64")}` };
  }

  async complete(uploadId: string, parts: readonly PartReceipt[], ctx: UploadContext): Promise<CompletedObject> {
    const partial = this.partialPath(uploadId);
    const fd = fs.openSync(partial, "r+");
    const composite = createHash("md5");
    try {
      if (fs.fstatSync(fd).size !== ctx.totalSize) {
        throw new IntegrityMismatchError(`${partial} holds ${fs.fstatSync(fd).size} bytes, the tape is ${ctx.totalSize}; run with restart to upload again.`);
      }
      // Read everything back: the object must be exactly what was sent.
      for (const p of parts) {
        const start = (p.number - 1) * ctx.partSize;
        const md5 = md5Range(fd, start, start + p.size);
        if (md5.toString("hex") !== p.etag) throw new IntegrityMismatchError(`Part ${p.number} of ${partial} does not read back as it was written.`);
        composite.update(md5);
      }
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(partial, this.path);
    const dirFd = fs.openSync(path.dirname(this.path), "r");
    try {
      fs.fsyncSync(dirFd);
    } finally {
      fs.closeSync(dirFd);
    }
    return { size: ctx.totalSize, etag: `${composite.digest("hex")}-${parts.length}`, location: this.path };
  }

  /**
   * A local file has no metadata to name the tape it holds, so the file counts
   * as this tape's object only if it has the tape's size and reads back to the
   * checksum recorded when it was completed (the MD5 of each part, combined).
   * Without a recorded checksum (a destination the index never completed) it
   * is never taken for the tape: the upload writes it again.
   */
  async findCompleted(ctx: UploadContext, recorded?: CompletedObject): Promise<CompletedObject | null> {
    if (recorded?.etag === undefined) return null;
    let fd: number;
    try {
      fd = fs.openSync(this.path, "r");
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "ENOENT" || code === "ENOTDIR") return null;
      throw fsError(`Cannot read ${this.path}`, err);
    }
    try {
      if (fs.fstatSync(fd).size !== ctx.totalSize) return null;
      const composite = createHash("md5");
      for (let start = 0; start < ctx.totalSize; start += ctx.partSize) {
        ctx.signal.throwIfAborted();
        composite.update(md5Range(fd, start, Math.min(start + ctx.partSize, ctx.totalSize)));
      }
      const etag = `${composite.digest("hex")}-${ctx.partCount}`;
      return etag === recorded.etag ? { size: ctx.totalSize, etag, location: this.path } : null;
    } finally {
      fs.closeSync(fd);
    }
  }

  async abort(uploadId: string): Promise<void> {
    fs.rmSync(this.partialPath(uploadId), { force: true });
  }
}

/** A target that writes the tape to a local file, resumably. */
export function fileTarget(destination: string, options: FileTargetOptions = {}): FileTarget {
  return new FileTarget(destination, options);
}
