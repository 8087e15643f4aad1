/**
 * Checks a part's bytes against the checksum its target recorded when the
 * server acknowledged it (`md5:`, `crc32:`, `crc32c:` or `sha256:`, then the
 * digest in base64; CRCs as 4 bytes big-endian, as S3 and GCS write them).
 */
import { createHash, type Hash } from "node:crypto";
import zlib from "node:zlib";

/** CRC32C (Castagnoli), reflected polynomial: GCS's checksum. Table-driven; enough for verifying a download. */
const CRC32C_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32c(data: Uint8Array, previous = 0): number {
  let crc = ~previous >>> 0;
  for (let i = 0; i < data.length; i++) crc = CRC32C_TABLE[(crc ^ data[i]!) & 0xff]! ^ (crc >>> 8);
  return ~crc >>> 0;
}

function crcBase64(crc: number): string {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(crc >>> 0);
  return bytes.toString("base64");
}

export interface PartDigest {
  update(chunk: Buffer): void;
  /** The digest in the recorded form, e.g. `md5:<base64>`. */
  result(): string;
}

/** A digest of the recorded checksum's kind, or null for a kind this tartape does not know (the part is then unverified). */
export function digestFor(recorded: string): PartDigest | null {
  const kind = recorded.slice(0, recorded.indexOf(":"));
  if (kind === "md5" || kind === "sha256") {
    const hash: Hash = createHash(kind);
    return { update: (chunk) => hash.update(chunk), result: () => `${kind}:${hash.digest("base64")}` };
  }
  if (kind === "crc32" || kind === "crc32c") {
    let crc = 0;
    const step = kind === "crc32" ? (chunk: Buffer, c: number) => zlib.crc32(chunk, c) >>> 0 : crc32c;
    return { update: (chunk) => (crc = step(chunk, crc)), result: () => `${kind}:${crcBase64(crc)}` };
  }
  return null;
}
