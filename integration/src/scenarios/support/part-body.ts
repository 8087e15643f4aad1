/** Part bodies over bytes in memory: what the driver hands a target, for tests that call a target without a tape. */
import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import type { PartBody } from "@tartape/core";

export function bodyOf(bytes: Buffer): PartBody {
  return { size: bytes.length, open: () => Readable.from([bytes]), digest: async (algorithm) => createHash(algorithm).update(bytes).digest() };
}

/**
 * A body of `size` bytes that streams half of them (in four chunks), then fails
 * with `error`, as a source file that changes while it is read does.
 */
export function bodyFailingHalfway(size: number, error: Error): PartBody {
  const chunk = size / 8;
  return {
    size,
    open: () =>
      Readable.from(
        (async function* () {
          for (let i = 0; i < 4; i++) yield Buffer.alloc(chunk, i);
          throw error;
        })(),
      ),
    digest: async (algorithm) => createHash(algorithm).update(Buffer.alloc(size)).digest(),
  };
}
