/** A stream that hands its bytes on unchanged while hashing and counting them: the MD5 of what was actually sent. */
import { createHash } from "node:crypto";
import { Transform, type TransformCallback } from "node:stream";

export class Md5PassThrough extends Transform {
  private readonly hash = createHash("md5");
  private result: Buffer | null = null;
  /** Bytes that went through so far. */
  bytes = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    callback(null, chunk);
  }

  /** The MD5 of every byte that went through; call once the stream has ended. */
  digest(): Buffer {
    this.result ??= this.hash.digest();
    return this.result;
  }
}
