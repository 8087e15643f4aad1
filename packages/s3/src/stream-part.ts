/**
 * One UploadPart request whose body streams from the tape: never more than a
 * few stream buffers of the part in memory, whatever the part size. The bytes
 * are counted on their way out; their integrity is the server's to check,
 * against the Content-MD5 the caller sends (BadDigest when they differ).
 */
import { UploadPartCommand, type S3Client, type UploadPartCommandInput } from "@aws-sdk/client-s3";
import { pipeline } from "node:stream";
import type { PartBody } from "@tartape/core";
import { ByteCounter } from "./byte-counter.js";

export interface StreamedPart {
  /** The ETag the server returned, as it returned it. */
  readonly etag: string | undefined;
  readonly sentBytes: number;
}

/**
 * Sends `body` as the request body of `input`. Throws the SDK's error as is,
 * or the body's own error (e.g. a source file that changed) when reading it failed.
 */
export async function streamPart(client: S3Client, input: Omit<UploadPartCommandInput, "Body">, body: PartBody, signal: AbortSignal): Promise<StreamedPart> {
  const source = body.open();
  const counting = new ByteCounter();
  // The HTTP handler pipes the body without watching it for errors: a failing
  // source would leave the request waiting for bytes that never come. So a body
  // error aborts the request, and is what the caller sees.
  const bodyFailed = new AbortController();
  pipeline(source, counting, (err) => {
    if (err) bodyFailed.abort(err);
  });
  try {
    const out = await client
      .send(new UploadPartCommand({ ...input, Body: counting }), { abortSignal: AbortSignal.any([signal, bodyFailed.signal]) })
      .catch((err: unknown) => {
        throw bodyFailed.signal.aborted && !signal.aborted ? bodyFailed.signal.reason : err;
      });
    // A body that failed after its last byte (a file that grew) still makes the part suspect.
    if (bodyFailed.signal.aborted) throw bodyFailed.signal.reason;
    return { etag: out.ETag, sentBytes: counting.bytes };
  } finally {
    // An early error response (e.g. after Expect: 100-continue) leaves the source open: close its files.
    counting.destroy();
    source.destroy();
  }
}
