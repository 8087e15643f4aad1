/**
 * The combine of any reflected 32-bit CRC (zlib's CRC-32, Castagnoli's
 * CRC32C, …): the CRC of A followed by B from crc(A), crc(B) and |B|. CRC is
 * linear: crc(A‖B) = crc(A)·x^(8·|B|) mod P  xor  crc(B), once the pre- and
 * post-inversion cancel out (they do: both sides carry the same ones).
 */

/** The combine for the reflected polynomial `poly`; `lengthB` may exceed 2^32. */
export function crcCombiner(poly: number): (crcA: number, crcB: number, lengthB: number) => number {
  /**
   * a(x)·b(x) mod P in the reflected representation (bit 31 is x^0). Shift and
   * add: for each term x^i of `a`, add b·x^i, kept reduced by multiplying by x
   * (one right shift, folding in P on carry).
   */
  const multiplyModP = (a: number, b: number): number => {
    let product = 0;
    let bShifted = b >>> 0;
    for (let m = 0x80000000; m !== 0 && (a & (m * 2 - 1)) !== 0; m >>>= 1) {
      if (a & m) product ^= bShifted;
      bShifted = bShifted & 1 ? (bShifted >>> 1) ^ poly : bShifted >>> 1;
    }
    return product >>> 0;
  };
  /** X_POW_2K[k] = x^(2^k) mod P; x^1 is bit 30 in the reflected representation. */
  const X_POW_2K: number[] = [0x40000000];
  for (let k = 1; k < 64; k++) X_POW_2K.push(multiplyModP(X_POW_2K[k - 1]!, X_POW_2K[k - 1]!));
  /** x^(8·bytes) mod P: the operator that appends `bytes` zero bytes to a CRC's message. */
  const zeroBytesOperator = (bytes: number): number => {
    let result = 0x80000000; // x^0
    let k = 3; // 8·bytes = bytes·2^3
    for (let n = bytes; n > 0; n = Math.floor(n / 2), k++) {
      if (n % 2 === 1) result = multiplyModP(X_POW_2K[k]!, result);
    }
    return result;
  };
  return (crcA, crcB, lengthB) => {
    if (!Number.isSafeInteger(lengthB) || lengthB < 0) throw new RangeError(`lengthB must be a whole number of bytes, got ${lengthB}`);
    if (lengthB === 0) return crcA >>> 0;
    return (multiplyModP(zeroBytesOperator(lengthB), crcA >>> 0) ^ crcB) >>> 0;
  };
}
