/** Whole-number option values (offsets, counts), refused with a message that names the option. */
import { InvalidArgumentError } from "@tartape/core/tape";

const DIGITS = /^\d+$/;

function wholeNumber(text: string, what: string, expected: string): number {
  const trimmed = text.trim();
  const value = DIGITS.test(trimmed) ? Number(trimmed) : Number.NaN;
  if (!Number.isSafeInteger(value)) {
    const why = /^-\d+$/.test(trimmed)
      ? "it is negative"
      : DIGITS.test(trimmed)
        ? `it is too large (at most ${Number.MAX_SAFE_INTEGER})`
        : "it is not a whole number";
    throw new InvalidArgumentError(`Invalid ${what} '${text}': ${why}. Use ${expected}.`);
  }
  return value;
}

/** A byte offset into the tape: 0 or more. Whether it lies inside the tape is checked against the tape itself. */
export function parseOffset(text: string, what: string): number {
  return wholeNumber(text, what, "a whole number of bytes, 0 or more");
}

/** A count such as `--concurrency`: 1 or more. */
export function parsePositiveInteger(text: string, what: string): number {
  const value = wholeNumber(text, what, "a whole number, 1 or more");
  if (value < 1) throw new InvalidArgumentError(`Invalid ${what} '${text}': it must be at least 1.`);
  return value;
}
