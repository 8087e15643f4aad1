/**
 * Byte sizes as people type them: `64MiB`, `5MB`, `1048576`, `1g`, `1.5GiB`.
 * Every unit is a power of 1024, as in the AWS CLI, so `5MB` is S3's 5 MiB
 * minimum part size rather than a few hundred KiB short of it.
 */
import { InvalidArgumentError } from "@tartape/core/tape";

const UNIT_EXPONENTS: ReadonlyMap<string, number> = new Map([
  ["", 0],
  ["b", 0],
  ["k", 1],
  ["kb", 1],
  ["kib", 1],
  ["m", 2],
  ["mb", 2],
  ["mib", 2],
  ["g", 3],
  ["gb", 3],
  ["gib", 3],
  ["t", 4],
  ["tb", 4],
  ["tib", 4],
]);

const SIZE_PATTERN = /^(\d+(?:\.\d+)?|\.\d+)\s*([a-z]*)$/i;
const EXAMPLES = "e.g. 64MiB, 5MB, 1048576 or 1g (units B, K, M, G, T, each optionally followed by B or iB; all are powers of 1024)";

/**
 * Parses a size into a positive whole number of bytes. `what` names the
 * value in the error message (e.g. "--part-size").
 */
export function parseSize(text: string, what = "size"): number {
  const trimmed = text.trim();
  const match = SIZE_PATTERN.exec(trimmed);
  const exponent = match ? UNIT_EXPONENTS.get((match[2] ?? "").toLowerCase()) : undefined;
  if (!match || exponent === undefined) {
    throw new InvalidArgumentError(`Invalid ${what} '${text}': write a number of bytes with an optional unit, ${EXAMPLES}.`);
  }
  const bytes = Number(match[1]) * 1024 ** exponent;
  if (!Number.isInteger(bytes)) throw new InvalidArgumentError(`Invalid ${what} '${text}': it is not a whole number of bytes (${bytes}).`);
  if (bytes <= 0) throw new InvalidArgumentError(`Invalid ${what} '${text}': it must be more than 0 bytes.`);
  if (!Number.isSafeInteger(bytes)) throw new InvalidArgumentError(`Invalid ${what} '${text}': it is too large (at most ${Number.MAX_SAFE_INTEGER} bytes).`);
  return bytes;
}
