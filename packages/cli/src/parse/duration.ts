/**
 * An age as operators type it: `0s`, `90m`, `36h`, `7d`, `2w`. A unit is
 * required: a bare `7` could mean days or seconds, and guessing wrong would
 * remove what an upload in progress still needs.
 */
import { InvalidArgumentError } from "@tartape/core/tape";

const UNIT_MS: Readonly<Record<string, number>> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const DURATION = /^(\d+)([smhdw])$/;

export function parseDuration(text: string, what: string): number {
  const match = DURATION.exec(text.trim());
  const ms = match ? Number(match[1]) * UNIT_MS[match[2]!]! : Number.NaN;
  if (!Number.isSafeInteger(ms)) {
    throw new InvalidArgumentError(`Invalid ${what} '${text}': use a whole number with a unit, s, m, h, d or w (e.g. 0s, 90m, 7d).`);
  }
  return ms;
}
