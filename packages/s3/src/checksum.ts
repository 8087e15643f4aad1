/**
 * The two ways a part proves its bytes to S3.
 *
 * - "md5": a Content-MD5 header, computed by reading the part once before
 *   sending it. Every S3-compatible server checks it, and the ETags (MD5s)
 *   prove the stored bytes part by part and for the whole object. It costs a
 *   second read and an MD5 of every byte, most of an upload's CPU.
 * - "crc32": an x-amz-checksum-crc32 trailer after the streamed body
 *   (aws-chunked encoding), the AWS SDK's own default since 2025. One read,
 *   and CRC32 is native and cheap. The server checks it, returns it, and
 *   gives the object a composite checksum (CRC32 of the parts' CRC32s, `-N`)
 *   that is computed here from the parts: the whole object is proven without
 *   MD5, so it also holds with SSE-KMS, whose ETags are not MD5s. Some
 *   S3-compatible servers refuse aws-chunked trailers: "md5" is for those.
 */
import zlib from "node:zlib";
import { InvalidArgumentError } from "@tartape/core";

export type S3Checksum = "md5" | "crc32";
export const S3_CHECKSUMS: readonly S3Checksum[] = ["md5", "crc32"];
/** The checksum an S3 target uses unless told otherwise: CRC32, for its CPU cost (bench:upload). */
export const DEFAULT_S3_CHECKSUM: S3Checksum = "crc32";

/** A checksum kind given as text (a CLI flag, a config file), checked; `name` says where it came from. */
export function parseS3Checksum(text: string, name = "checksum"): S3Checksum {
  const kind = S3_CHECKSUMS.find((k) => k === text.toLowerCase());
  if (!kind) throw new InvalidArgumentError(`${name} must be ${S3_CHECKSUMS.join(" or ")}, not ${JSON.stringify(text)}.`);
  return kind;
}

/** CRC32 of `bytes` continued from `previous` (0 to start), by zlib's native code. */
export function crc32(bytes: Uint8Array, previous = 0): number {
  return zlib.crc32(bytes, previous);
}

/** Fails early, with a message, on a Node.js without zlib.crc32 (before 22.2). */
export function checkCrc32Available(): void {
  if (typeof zlib.crc32 !== "function") {
    throw new InvalidArgumentError(`checksum "crc32" needs zlib.crc32, which Node.js ${process.version} lacks. Use Node.js 22.2 or later, or checksum "md5".`);
  }
}

/** A CRC32 as S3 writes it in x-amz-checksum-crc32: the 4 big-endian bytes in base64. */
export function crc32Base64(value: number): string {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(value >>> 0);
  return bytes.toString("base64");
}

const BASE64_CRC32 = /^[A-Za-z0-9+/]{6}==$/;

/** Whether `text` is a CRC32 as S3 writes it: 4 bytes in base64. */
export function isBase64Crc32(text: string): boolean {
  return BASE64_CRC32.test(text);
}

/** The checksum S3 gives a multipart object whose parts have these CRC32s (base64, in part order): CRC32 of their bytes, then `-N`. */
export function compositeCrc32(partCrcs: readonly string[]): string {
  let value = 0;
  for (const part of partCrcs) {
    if (!BASE64_CRC32.test(part)) throw new TypeError(`Expected a part CRC32 as 8 base64 characters, got ${JSON.stringify(part)}.`);
    value = crc32(Buffer.from(part, "base64"), value);
  }
  return `${crc32Base64(value)}-${partCrcs.length}`;
}

/** Receipts keep the checksum with its kind: `md5:<base64>` or `crc32:<base64>`. */
export function receiptChecksum(kind: S3Checksum, base64: string): string {
  return `${kind}:${base64}`;
}

/** The base64 value of a receipt's checksum of `kind`, or null when the receipt holds another kind. */
export function checksumOfKind(receipt: string, kind: S3Checksum): string | null {
  const prefix = `${kind}:`;
  return receipt.startsWith(prefix) ? receipt.slice(prefix.length) : null;
}
