import type { TargetLimits } from "@tartape/core";

const MiB = 1024 * 1024;

/**
 * Azure block blob limits (service version 2019-12-12 and later): at most
 * 50,000 committed blocks of at most 4000 MiB each. Blocks have no minimum
 * size, so any part size from 1 byte works; the planner raises it when a tape
 * would need more than 50,000 blocks.
 */
export const AZURE_LIMITS: TargetLimits = Object.freeze({
  minPartSize: 1,
  maxPartSize: 4000 * MiB,
  maxParts: 50_000,
});
