/**
 * A stream that hands its bytes on unchanged while counting them: how many
 * bytes actually went into a request, and optionally their CRC32, to hold
 * against the checksum the server says it received.
 */
import { Transform, type TransformCallback } from "node:stream";
import { crc32 } from "./checksum.js";

export class ByteCounter extends Transform {
  /** Bytes that went through so far. */
  bytes = 0;
  /** CRC32 of those bytes, when asked for. */
  crc32 = 0;

  constructor(private readonly withCrc32 = false) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.withCrc32) this.crc32 = crc32(chunk, this.crc32);
    callback(null, chunk);
  }
}
