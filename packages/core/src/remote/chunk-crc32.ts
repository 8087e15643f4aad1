/**
 * CRC-32s of chunks already computed once, for whoever digests the same chunk
 * again. An S3 part sent with a CRC32 trailer is digested twice per byte:
 * once for the catalog's per-file CRC-32s (PartDigester), once by the SDK for
 * the trailer. When a chunk is all one file's content (every chunk of a large
 * file is), the first digest is the chunk's own CRC-32, and the second can
 * reuse it instead of reading the bytes again (one combine per chunk).
 *
 * Keyed by the chunk object: sound because a chunk handed to a target is
 * only written again once its consumer is done with it, and a buffer lent
 * for new bytes forgets its CRC-32 first (ChunkRecycler). The server still
 * checks the trailer against the bytes it received.
 */
import { crc32, crc32Combine } from "./crc32.js";

const known = new WeakMap<Uint8Array, number>();

/** Records `crc` as the CRC-32 of all of `chunk`. */
export function rememberChunkCrc32(chunk: Uint8Array, crc: number): void {
  known.set(chunk, crc >>> 0);
}

/** Forgets what was remembered for `chunk`: its buffer is about to hold other bytes. */
export function forgetChunkCrc32(chunk: Uint8Array): void {
  known.delete(chunk);
}

/** The CRC-32 of `chunk` continuing from `previous`: from the remembered CRC-32 when there is one, else from its bytes. */
export function chunkCrc32(chunk: Uint8Array, previous = 0): number {
  const crc = known.get(chunk);
  return crc === undefined ? crc32(chunk, previous) : crc32Combine(previous, crc, chunk.length);
}

/**
 * A CRC-32 in the shape of the AWS SDK's checksum classes (update, digest,
 * reset), using remembered chunk CRC-32s: given to an S3 client as its CRC32
 * algorithm, it makes the trailer cost one combine per remembered chunk.
 */
export class RememberingCrc32 {
  readonly digestLength = 4;
  private value = 0;

  update(data: Uint8Array): void {
    this.value = chunkCrc32(data, this.value);
  }

  digestSync(): number {
    return this.value >>> 0;
  }

  async digest(): Promise<Uint8Array> {
    const out = new Uint8Array(4);
    new DataView(out.buffer).setUint32(0, this.value >>> 0, false);
    return out;
  }

  reset(): void {
    this.value = 0;
  }
}
