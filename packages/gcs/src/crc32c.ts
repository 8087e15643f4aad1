/**
 * CRC32C (Castagnoli), the checksum Cloud Storage keeps for every object,
 * composite ones included (they have no MD5). Two operations:
 * - `crc32c(data, previous)`: the checksum of bytes, fed in chunks;
 * - `crc32cCombine(a, b, lengthOfB)`: the checksum of A followed by B from the
 *   checksums of A and B alone, so the checksum a composed object must have is
 *   known from its parts without reading a byte of them again.
 * Values are unsigned 32-bit numbers; GCS writes them as 4 big-endian bytes in base64.
 */

import { crcCombiner } from "@tartape/core";

/** The Castagnoli polynomial, bit-reflected (as the CRC is computed low bit first). */
const POLY = 0x82f63b78;

/**
 * Slicing-by-8 tables: TABLES[k*256 + b] is the CRC of byte b followed by k
 * zero bytes, so eight input bytes are folded per step with eight lookups.
 * Int32Array keeps every value a V8 small integer (no boxing in the hot loop).
 */
const TABLES = buildTables();

function buildTables(): Int32Array {
  const tables = new Int32Array(8 * 256);
  for (let b = 0; b < 256; b++) {
    let c = b;
    for (let bit = 0; bit < 8; bit++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
    tables[b] = c;
  }
  for (let b = 0; b < 256; b++) {
    let c = tables[b]!;
    for (let k = 1; k < 8; k++) {
      c = (c >>> 8) ^ tables[c & 0xff]!;
      tables[k * 256 + b] = c;
    }
  }
  return tables;
}

/** The CRC32C of `data`, continuing from the CRC32C of the bytes before it (0 for none). */
export function crc32c(data: Uint8Array, previous = 0): number {
  const t = TABLES;
  let c = ~previous;
  let i = 0;
  const end8 = data.length - (data.length % 8);
  for (; i < end8; i += 8) {
    const lo = c ^ (data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24));
    c =
      t[1792 + (lo & 0xff)]! ^
      t[1536 + ((lo >>> 8) & 0xff)]! ^
      t[1280 + ((lo >>> 16) & 0xff)]! ^
      t[1024 + (lo >>> 24)]! ^
      t[768 + data[i + 4]!]! ^
      t[512 + data[i + 5]!]! ^
      t[256 + data[i + 6]!]! ^
      t[data[i + 7]!]!;
  }
  for (; i < data.length; i++) c = (c >>> 8) ^ t[(c ^ data[i]!) & 0xff]!;
  return ~c >>> 0;
}

/**
 * The CRC32C of A followed by B, from crcA, crcB and B's length (which may
 * exceed 2^32: parts of up to 5 TiB). Core's combine, for this polynomial.
 */
export const crc32cCombine = crcCombiner(POLY);

/** A CRC32C of consecutive pieces, each given by its CRC32C and length. */
export interface ChecksummedRange {
  readonly crc32c: number;
  readonly size: number;
}

/** The CRC32C and length of the pieces laid end to end. */
export function concatChecksums(pieces: readonly ChecksummedRange[]): ChecksummedRange {
  let crc = 0;
  let size = 0;
  for (const piece of pieces) {
    crc = crc32cCombine(crc, piece.crc32c, piece.size);
    size += piece.size;
  }
  return { crc32c: crc, size };
}

/** GCS's form: the 4 bytes big-endian, base64. */
export function crc32cToBase64(crc: number): string {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(crc >>> 0);
  return bytes.toString("base64");
}

/** Reads GCS's base64 form back; undefined when it is not 4 bytes of base64. */
export function crc32cFromBase64(text: string | undefined): number | undefined {
  if (text === undefined || !/^[A-Za-z0-9+/]{6}==$/.test(text)) return undefined;
  return Buffer.from(text, "base64").readUInt32BE(0);
}
