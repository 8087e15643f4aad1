/**
 * A stream that hands its bytes on unchanged while counting them: how many
 * bytes actually went into a request.
 */
import { Transform, type TransformCallback } from "node:stream";

export class ByteCounter extends Transform {
  /** Bytes that went through so far. */
  bytes = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    callback(null, chunk);
  }
}
