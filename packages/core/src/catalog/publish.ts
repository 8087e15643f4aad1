/**
 * Writes the catalog of a finished upload next to its object: built into a
 * file beside the index (memory stays flat), then stored with the target's
 * putCatalog. Also the tap that takes each part's file digests as it is sent.
 */
import fs from "node:fs";
import path from "node:path";
import type { Readable } from "node:stream";
import { TargetError, TartapeError } from "../errors.js";
import { createHash } from "../hash.js";
import type { TapeIndex } from "../index/tape-index.js";
import { RemoteObjectNotFoundError } from "../remote/errors.js";
import type { Tape } from "../tape/tape.js";
import { withRetry, type RetryPolicy } from "../upload/retry.js";
import type { PartBody, PartSpec, Target } from "../upload/target.js";
import { fileRanges, savePartDigests } from "./index-access.js";
import { PartDigester } from "./part-digests.js";
import { CatalogReader } from "./read-catalog.js";
import { writeCatalogFile } from "./write-catalog.js";

/** What became of the catalog: written now, found already there and matching, or the target keeps none. */
export type CatalogOutcome = "written" | "present" | "unsupported";

/** Digests the files in one part while it is sent; `save` keeps them once the server acknowledged the part. */
export interface PartDigestTap {
  readonly onChunk: ((chunk: Buffer, offset: number) => void) | undefined;
  save(): void;
}

export function partDigestTap(index: TapeIndex, target: Target, fingerprint: string, part: PartSpec): PartDigestTap {
  if (!target.remote) return { onChunk: undefined, save() {} };
  const digester = new PartDigester(part.start, part.end, () => fileRanges(index, part.start, part.end));
  return {
    onChunk: digester.update,
    save() {
      const digests = digester.result();
      if (digests) savePartDigests(index, target.id, fingerprint, part, digests);
    },
  };
}

/** A local file as a part body: the catalog's bytes, readable as often as a retry needs. */
class FileBody implements PartBody {
  constructor(
    private readonly file: string,
    readonly size: number,
  ) {}

  open(): Readable {
    return fs.createReadStream(this.file);
  }

  async digest(algorithm: "md5" | "sha256"): Promise<Buffer> {
    const hash = createHash(algorithm);
    for await (const chunk of fs.createReadStream(this.file)) hash.update(chunk as Buffer);
    return hash.digest();
  }
}

export interface PublishOptions {
  /** "if-missing": keep a catalog already there that describes this tape (an upload found complete). */
  readonly mode: "always" | "if-missing";
  readonly retry?: RetryPolicy | undefined;
  readonly signal?: AbortSignal | undefined;
}

export async function publishCatalog(tape: Tape, target: Target, options: PublishOptions): Promise<CatalogOutcome> {
  const remote = target.remote;
  if (!remote) return "unsupported";
  const signal = options.signal ?? new AbortController().signal;
  try {
    const version = await withRetry(() => remote.tape.stat(signal), options.retry, { signal });
    if (version === null) throw new RemoteObjectNotFoundError(remote.tape.id);
    if (options.mode === "if-missing") {
      const existing = await CatalogReader.open(remote.catalog, { id: remote.tape.id, version }, signal).catch(() => null);
      if (existing && existing.index.fingerprint === tape.fingerprint) return "present";
    }
    const file = path.join(path.dirname(tape.indexPath), `catalog-${tape.fingerprint.slice(0, 12)}.tmp`);
    try {
      const written = writeCatalogFile(
        tape.index,
        { targetId: target.id, fingerprint: tape.fingerprint, totalSize: tape.totalSize, entryCount: tape.entryCount, objectVersion: version.version },
        file,
      );
      const body = new FileBody(file, written.size);
      await withRetry(() => remote.putCatalog(body, signal), options.retry, { signal });
    } finally {
      fs.rmSync(file, { force: true });
    }
    return "written";
  } catch (err) {
    if (signal.aborted || !(err instanceof Error)) throw err;
    const code = err instanceof TartapeError ? err.code : "TARGET_ERROR";
    throw new TargetError(
      code,
      `The tape is uploaded to ${target.id}, but its catalog ${remote.catalog.id} could not be written: ${err.message} Run the same upload again to write it (nothing is sent again).`,
      { cause: err },
    );
  }
}
