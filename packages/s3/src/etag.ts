/**
 * What S3 says about the bytes it stored. Without SSE-KMS or SSE-C, a part's
 * ETag is the hex MD5 of the part, and a multipart object's ETag is the MD5
 * of the concatenated binary part MD5s, then `-` and the part count. Both can
 * be computed locally, so the server's answer proves it holds what was sent.
 */
import { createHash } from "node:crypto";

/** S3 returns ETags in double quotes (`"9b2c…"`); receipts and comparisons use the bare value. */
export function unquoteEtag(etag: string): string {
  return etag.length >= 2 && etag.startsWith('"') && etag.endsWith('"') ? etag.slice(1, -1) : etag;
}

const HEX_MD5 = /^[0-9a-f]{32}$/;

/** The ETag S3 gives a multipart object made of parts with these hex MD5s (in part order). */
export function multipartEtag(partMd5s: readonly string[]): string {
  const composite = createHash("md5");
  for (const md5 of partMd5s) {
    if (!HEX_MD5.test(md5)) throw new TypeError(`Expected a part MD5 as 32 lowercase hex digits, got ${JSON.stringify(md5)}.`);
    composite.update(Buffer.from(md5, "hex"));
  }
  return `${composite.digest("hex")}-${partMd5s.length}`;
}
