/**
 * CRC-32 (the zlib/IEEE polynomial) of file contents, and its combine: the
 * CRC of A followed by B from the CRCs of A and B and B's length. A file that
 * spans parts sent concurrently gets one CRC per part it touches; combining
 * them gives the file's CRC without reading a byte again. zlib.crc32 is
 * native (several GB/s), so digesting every byte sent costs little.
 */
import zlib from "node:zlib";
import { crcCombiner } from "./crc-combine.js";

/** The IEEE polynomial, bit-reflected. */
const POLY = 0xedb88320;

/** The CRC-32 of `data`, continuing from the CRC-32 of the bytes before it (0 for none). */
export function crc32(data: Uint8Array, previous = 0): number {
  return zlib.crc32(data, previous) >>> 0;
}

/** The CRC-32 of A‖B from crc(A), crc(B) and |B| (which may exceed 2^32). */
export const crc32Combine = crcCombiner(POLY);

/** As the catalog and messages write a CRC-32: 8 lowercase hex digits. */
export function crc32Hex(crc: number): string {
  return (crc >>> 0).toString(16).padStart(8, "0");
}
