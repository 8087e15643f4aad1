/**
 * A bandwidth as people type it: `50MiB/s`, `20M`, `512KiB/s`, `1048576`;
 * a size per second (units powers of 1024, as for sizes), `/s` optional.
 * Bits are not guessed at: `100Mbit/s` is refused rather than read as bytes.
 */
import { InvalidArgumentError } from "@tartape/core/tape";
import { parseSize } from "./size.js";

export function parseRate(text: string, what = "rate"): number {
  const perSecond = text.trim().replace(/\s*\/\s*s(ec)?$/i, "");
  if (/bit|bps/i.test(perSecond)) {
    throw new InvalidArgumentError(`Invalid ${what} '${text}': give bytes per second, e.g. 50MiB/s (100 Mbit/s is about 12MiB/s).`);
  }
  try {
    return parseSize(perSecond, what);
  } catch (err) {
    if (err instanceof InvalidArgumentError) throw new InvalidArgumentError(`${err.message.replace(/\.$/, "")}; a rate is that per second, e.g. 50MiB/s.`);
    throw err;
  }
}
