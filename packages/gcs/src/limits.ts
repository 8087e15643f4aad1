import type { TargetLimits } from "@tartape/core";

const KiB = 1024;

/**
 * Limits of the GCS target. Parts are ordinary objects joined by compose, so
 * only two of these come from the service; the rest is tartape's choice:
 * - maxPartSize 5 TiB: the largest object GCS stores.
 * - maxParts 10,000: not a service limit (a compose tree joins any number,
 *   32 per request). Each part costs an upload, a share of a compose and a
 *   delete, and is listed on resume; 10,000 keeps a resume listing at 10 pages
 *   and completion at 324 compose requests, and matches S3's limit so one part
 *   size plans alike on both. The planner raises the part size past it.
 * - minPartSize 256 KiB: GCS takes objects of any size, but a part far smaller
 *   costs more in requests (3 operations per part) than it carries in bytes.
 *   256 KiB is GCS's own upload granularity (resumable chunks are multiples of it).
 *   Override with `limits: { minPartSize: 1 }` to go lower.
 */
export const GCS_LIMITS: TargetLimits = Object.freeze({
  minPartSize: 256 * KiB,
  maxPartSize: 5 * 1024 ** 4,
  maxParts: 10_000,
});
