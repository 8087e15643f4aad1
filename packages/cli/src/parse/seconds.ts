/** A duration option given in seconds (`--idle-timeout 30`, `--idle-timeout 2.5`), refused with a message that names the option. */
import { InvalidArgumentError } from "@tartape/core/tape";

const DECIMAL = /^\d+(\.\d+)?$/;

export function parseSeconds(text: string, what: string): number {
  const trimmed = text.trim();
  const value = DECIMAL.test(trimmed) ? Number(trimmed) : Number.NaN;
  if (!Number.isFinite(value) || value <= 0) {
    throw new InvalidArgumentError(`Invalid ${what} '${text}': use a number of seconds greater than 0, e.g. 30 or 2.5.`);
  }
  return value;
}
