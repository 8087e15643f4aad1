/** A part's bytes as the target sees them: a volume that can be read again for each attempt. */
import type { Readable } from "node:stream";
import { FileChangedError } from "../errors.js";
import type { Volume } from "../tape/volume.js";
import type { RateLimiter } from "./rate-limit.js";
import type { PartBody, PartBodyOpenOptions } from "./target.js";

export class VolumePartBody implements PartBody {
  /** The first integrity error any read of this part hit: a changed file is never retried. */
  integrityError: FileChangedError | null = null;

  constructor(
    private readonly volume: Volume,
    private readonly onBytes: (n: number) => void,
    /** Sees every chunk handed to the target, with its offset in the part (the catalog's file digests). */
    private readonly onChunk?: (chunk: Buffer, offset: number) => void,
    /** The upload's bandwidth cap, shared by its parts in flight; `signal` stops a wait for it. */
    private readonly limit?: { readonly limiter: RateLimiter; readonly signal: AbortSignal },
  ) {}

  get size(): number {
    return this.volume.size;
  }

  open(options: PartBodyOpenOptions = {}): Readable {
    const stream = this.volume.open({ onBytes: this.onBytes, ...(this.onChunk ? { onChunk: this.onChunk } : {}), ...(options.recycler ? { recycler: options.recycler } : {}) });
    stream.on("error", (err) => {
      if (err instanceof FileChangedError) this.integrityError ??= err;
    });
    if (!this.limit) return stream;
    // The cap applies where the bytes leave: between the tape and whatever the target sends them with.
    const throttled = this.limit.limiter.throttle(this.limit.signal);
    stream.on("error", (err) => throttled.destroy(err));
    throttled.on("close", () => stream.destroy());
    return stream.pipe(throttled);
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
