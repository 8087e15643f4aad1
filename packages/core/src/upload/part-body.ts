/** A part's bytes as the target sees them: a volume that can be read again for each attempt. */
import type { Readable } from "node:stream";
import { FileChangedError } from "../errors.js";
import type { Volume } from "../tape/volume.js";
import type { PartBody } from "./target.js";

export class VolumePartBody implements PartBody {
  /** The first integrity error any read of this part hit: a changed file is never retried. */
  integrityError: FileChangedError | null = null;

  constructor(
    private readonly volume: Volume,
    private readonly onBytes: (n: number) => void,
    /** Sees every chunk handed to the target, with its offset in the part (the catalog's file digests). */
    private readonly onChunk?: (chunk: Buffer, offset: number) => void,
  ) {}

  get size(): number {
    return this.volume.size;
  }

  open(): Readable {
    const stream = this.volume.open({ onBytes: this.onBytes, ...(this.onChunk ? { onChunk: this.onChunk } : {}) });
    stream.on("error", (err) => {
      if (err instanceof FileChangedError) this.integrityError ??= err;
    });
    return stream;
  }

  async digest(algorithm: "md5" | "sha256", signal?: AbortSignal): Promise<Buffer> {
    try {
      return await this.volume.digest(algorithm, signal);
    } catch (err) {
      if (err instanceof FileChangedError) this.integrityError ??= err;
      throw err;
    }
  }
}
