/** Numeric header fields: octal text, or base-256 when a size does not fit. */

/** Largest value 11 octal digits can hold (8 GiB - 1). */
export const MAX_OCTAL_11 = 0o77777777777;

/** Writes `value` as `digits` zero-padded octal digits followed by NUL. */
export function writeOctal(buf: Buffer, offset: number, digits: number, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${value} is not a whole number >= 0 and cannot be written as octal`);
  const text = value.toString(8).padStart(digits, "0");
  if (text.length > digits) throw new RangeError(`${value} does not fit in ${digits} octal digits`);
  buf.write(text, offset, digits, "latin1");
  buf[offset + digits] = 0;
}

/**
 * Writes a 12-byte size field: 11 octal digits + NUL, or for sizes above
 * 8589934591 the GNU base-256 form: byte 0x80 then 11 bytes big-endian.
 */
export function writeSize(buf: Buffer, offset: number, size: number): void {
  if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(`${size} is not a valid size`);
  if (size <= MAX_OCTAL_11) {
    writeOctal(buf, offset, 11, size);
    return;
  }
  buf[offset] = 0x80;
  let rest = BigInt(size);
  for (let i = 11; i >= 1; i--) {
    buf[offset + i] = Number(rest & 0xffn);
    rest >>= 8n;
  }
}
