/** The body of `upload --json` (schema in docs/json-output.md). */
import { describeCause, type UploadResult } from "@tartape/core";

export function uploadDocument(dir: string, r: UploadResult, elapsedMs: number): Record<string, unknown> {
  const { unrecorded, ...rest } = r;
  return {
    dir,
    ...rest,
    elapsedMs,
    ...(unrecorded
      ? { unrecorded: { discarded: unrecorded.discarded, ...(unrecorded.error !== undefined ? { error: describeCause(unrecorded.error) } : {}) } }
      : {}),
  };
}
