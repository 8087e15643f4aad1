/**
 * CRC-32 (the zlib/IEEE polynomial) of file contents, and its combine: the
 * CRC of A followed by B from the CRCs of A and B and B's length. A file that
 * spans parts sent concurrently gets one CRC per part it touches; combining
 * them gives the file's CRC without reading a byte again. zlib.crc32 is
 * native (several GB/s), so digesting every byte sent costs little.
 */
import zlib from "node:zlib";

/** The IEEE polynomial, bit-reflected. */
const POLY = 0xedb88320;

/** The CRC-32 of `data`, continuing from the CRC-32 of the bytes before it (0 for none). */
export function crc32(data: Uint8Array, previous = 0): number {
  return zlib.crc32(data, previous) >>> 0;
}

/** a(x)·b(x) mod P in the reflected representation (bit 31 is x^0). */
function multiplyModP(a: number, b: number): number {
  let product = 0;
  let bShifted = b >>> 0;
  for (let m = 0x80000000; m !== 0 && (a & (m * 2 - 1)) !== 0; m >>>= 1) {
    if (a & m) product ^= bShifted;
    bShifted = bShifted & 1 ? (bShifted >>> 1) ^ POLY : bShifted >>> 1;
  }
  return product >>> 0;
}

/** X_POW_2K[k] = x^(2^k) mod P. */
const X_POW_2K: readonly number[] = (() => {
  const powers = [0x40000000];
  for (let k = 1; k < 64; k++) powers.push(multiplyModP(powers[k - 1]!, powers[k - 1]!));
  return powers;
})();

/** x^(8·bytes) mod P: appending `bytes` zero bytes to a message. */
function zeroBytesOperator(bytes: number): number {
  let result = 0x80000000;
  let k = 3;
  for (let n = bytes; n > 0; n = Math.floor(n / 2), k++) {
    if (n % 2 === 1) result = multiplyModP(X_POW_2K[k]!, result);
  }
  return result;
}

/** The CRC-32 of A‖B from crc(A), crc(B) and |B| (which may exceed 2^32). */
export function crc32Combine(crcA: number, crcB: number, lengthB: number): number {
  if (!Number.isSafeInteger(lengthB) || lengthB < 0) throw new RangeError(`lengthB must be a whole number of bytes, got ${lengthB}`);
  if (lengthB === 0) return crcA >>> 0;
  return (multiplyModP(zeroBytesOperator(lengthB), crcA >>> 0) ^ crcB) >>> 0;
}

/** As the catalog and messages write a CRC-32: 8 lowercase hex digits. */
export function crc32Hex(crc: number): string {
  return (crc >>> 0).toString(16).padStart(8, "0");
}
