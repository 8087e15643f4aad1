/**
 * One UploadPart request whose body streams from the tape: never more than a
 * few stream buffers of the part in memory, whatever the part size. The bytes
 * are counted on their way out; their integrity is the server's to check,
 * against the Content-MD5 or the CRC32 trailer the request carries (BadDigest
 * when they differ). The SDK computes that trailer over the very bytes it
 * streams, so a second CRC32 here would only repeat it: CRC32 is most of the
 * CPU of such an upload.
 */
import { UploadPartCommand, type S3Client, type UploadPartCommandInput } from "@aws-sdk/client-s3";
import type { ChunkRecycler, PartBody } from "@tartape/core";
import { ByteCounter } from "./byte-counter.js";

export interface StreamedPart {
  /** The ETag the server returned, as it returned it. */
  readonly etag: string | undefined;
  /** The CRC32 the server returned (base64), when the request carried one. */
  readonly serverCrc32: string | undefined;
  readonly sentBytes: number;
}

/**
 * Sends `body` as the request body of `input`. Throws the SDK's error as is,
 * or the body's own error (e.g. a source file that changed) when reading it failed.
 */
export async function streamPart(
  client: S3Client,
  input: Omit<UploadPartCommandInput, "Body">,
  body: PartBody,
  signal: AbortSignal,
  /** Only for a client whose sockets give its chunks back (createS3Client with it). */
  recycler?: ChunkRecycler,
): Promise<StreamedPart> {
  const source = body.open(recycler ? { recycler } : {});
  const counting = new ByteCounter();
  // The HTTP handler pipes the body without watching it for errors: a failing
  // source would leave the request waiting for bytes that never come. So a body
  // error aborts the request, and is what the caller sees. The error is not
  // passed on to the stream the SDK reads: with a CRC32 trailer, the SDK hashes
  // that stream in a promise nobody awaits once the request is aborted, and an
  // error there would surface as an unhandled rejection. `pipe` forwards data
  // (with backpressure) but not errors.
  const bodyFailed = new AbortController();
  source.once("error", (err) => bodyFailed.abort(err));
  source.pipe(counting);
  try {
    const out = await client
      .send(new UploadPartCommand({ ...input, Body: counting }), { abortSignal: AbortSignal.any([signal, bodyFailed.signal]) })
      .catch((err: unknown) => {
        throw bodyFailed.signal.aborted && !signal.aborted ? bodyFailed.signal.reason : err;
      });
    // A body that failed after its last byte (a file that grew) still makes the part suspect.
    if (bodyFailed.signal.aborted) throw bodyFailed.signal.reason;
    return { etag: out.ETag, serverCrc32: out.ChecksumCRC32, sentBytes: counting.bytes };
  } finally {
    // An early error response (e.g. after Expect: 100-continue) leaves the source open: close its files.
    counting.destroy();
    source.destroy();
  }
}
