/**
 * Part planning: one volume per part, every part but the last exactly
 * `partSize` bytes. The part size is chosen once and kept in the index so
 * every resume cuts the tape the same way.
 */
import { PartSizeError, TapeTooLargeError } from "../errors.js";
import { formatBytes } from "../format-bytes.js";
import type { PartSpec, TargetLimits } from "./target.js";

export const DEFAULT_PART_SIZE = 16 * 1024 * 1024;
const MiB = 1024 * 1024;

export interface PartPlan {
  readonly partSize: number;
  readonly partCount: number;
  /** The part size asked for (or the default) when the planner had to raise it to stay within the target's part limit. */
  readonly raisedFrom?: number;
}

export interface PlanRequest {
  readonly totalSize: number;
  readonly limits: TargetLimits;
  /** What the user asked for; default 16 MiB (or the target's minimum, if larger). */
  readonly partSize?: number | undefined;
  /** Refuse instead of raising the part size when the tape needs more parts than allowed. */
  readonly fixedPartSize?: boolean | undefined;
}

export function planParts(req: PlanRequest): PartPlan {
  const { totalSize, limits } = req;
  const requested = req.partSize ?? Math.max(DEFAULT_PART_SIZE, limits.minPartSize);
  if (!Number.isSafeInteger(requested) || requested <= 0) throw new PartSizeError(`Part size must be a positive whole number of bytes, got ${requested}.`);
  if (requested < limits.minPartSize) {
    throw new PartSizeError(`Part size ${formatBytes(requested)} is below this target's minimum of ${formatBytes(limits.minPartSize)}. Use a part size of at least ${formatBytes(limits.minPartSize)}.`);
  }
  if (requested > limits.maxPartSize) {
    throw new PartSizeError(`Part size ${formatBytes(requested)} is above this target's maximum of ${formatBytes(limits.maxPartSize)}. Use a part size of at most ${formatBytes(limits.maxPartSize)}.`);
  }
  const capacity = limits.maxParts * limits.maxPartSize;
  if (totalSize > capacity) {
    throw new TapeTooLargeError(`The tape is ${formatBytes(totalSize)}, more than this target can hold in one object (${limits.maxParts} parts of at most ${formatBytes(limits.maxPartSize)}).`);
  }
  let partSize = requested;
  if (Math.ceil(totalSize / partSize) > limits.maxParts) {
    const needed = Math.ceil(totalSize / limits.maxParts);
    if (req.fixedPartSize) {
      throw new TapeTooLargeError(
        `The tape is ${formatBytes(totalSize)}: at ${formatBytes(partSize)} per part it needs ${Math.ceil(totalSize / partSize)} parts, more than this target's limit of ${limits.maxParts}. ` +
          `Use a part size of at least ${formatBytes(needed)}, or let tartape choose it.`,
      );
    }
    // Round up to whole MiB so the plan is easy to read back; stay within the maximum.
    partSize = Math.min(Math.ceil(needed / MiB) * MiB, limits.maxPartSize);
    if (Math.ceil(totalSize / partSize) > limits.maxParts) partSize = needed;
  }
  const partCount = Math.max(1, Math.ceil(totalSize / partSize));
  return partSize === requested ? { partSize, partCount } : { partSize, partCount, raisedFrom: requested };
}

export function partSpec(plan: PartPlan, totalSize: number, number: number): PartSpec {
  const start = (number - 1) * plan.partSize;
  const end = Math.min(start + plan.partSize, totalSize);
  return { number, start, end, size: end - start };
}
