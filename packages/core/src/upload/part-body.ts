/** A part's bytes as the target sees them: a volume that can be read again for each attempt. */
import { createHash } from "node:crypto";
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
  ) {}

  get size(): number {
    return this.volume.size;
  }

  open(): Readable {
    const stream = this.volume.open({ onBytes: this.onBytes });
    stream.on("error", (err) => {
      if (err instanceof FileChangedError) this.integrityError ??= err;
    });
    return stream;
  }

  async digest(algorithm: "md5" | "sha256"): Promise<Buffer> {
    const hash = createHash(algorithm);
    const stream = this.volume.open();
    try {
      for await (const chunk of stream) hash.update(chunk as Buffer);
    } catch (err) {
      if (err instanceof FileChangedError) this.integrityError ??= err;
      throw err;
    }
    return hash.digest();
  }
}
