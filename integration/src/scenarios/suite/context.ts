/** What every scenario group gets, and the checks they share. */
import { expect } from "vitest";
import type { RetryPolicy } from "@tartape/core";
import type { TargetHarness } from "../harness.js";
import { sha256, type TapeFacts } from "../support/digest.js";
import type { Random } from "../support/random.js";
import type { Scratch } from "../support/scratch.js";
import { roundUpToBlock } from "../support/trees.js";

export interface SuiteContext {
  readonly harness: TargetHarness;
  readonly scratch: Scratch;
  readonly random: Random;
}

/** Below this, parts are so many and so small that tests measure HTTP overhead instead of behaviour. */
const SMALLEST_SCENARIO_PART = 4096;

/**
 * The part size the scenarios upload with: the service's minimum (5 MiB on S3),
 * but at least 4 KiB, and whole 512-byte blocks so a tape of an exact number of
 * parts can be built.
 */
export function scenarioPartSize(harness: TargetHarness): number {
  return roundUpToBlock(Math.max(harness.minPartSize, SMALLEST_SCENARIO_PART));
}

/** Retries that still ride out injected faults, without the default's multi-second backoff. */
export const FAST_RETRY: RetryPolicy = { retries: 8, minDelayMs: 20, maxDelayMs: 250 };

/** For failures that must surface: retry a little (the driver does retry unreachable servers), then give up. */
export const GIVE_UP_FAST: RetryPolicy = { retries: 2, minDelayMs: 10, maxDelayMs: 50 };

/** The object at `key` is the tape, byte for byte, and nothing temporary is left behind. */
export async function expectObjectIsTape(harness: TargetHarness, key: string, tape: TapeFacts): Promise<Buffer> {
  const object = await harness.readObject(key);
  expect(object, `no object at ${key}`).not.toBeNull();
  expect(object!.length, "object size").toBe(tape.totalSize);
  expect(sha256(object!), "SHA-256 of the object vs. the tape").toBe(tape.sha256);
  expect(await harness.leftovers(key), "temporary objects left after completion").toEqual([]);
  return object!;
}

/** Part numbers 1..count. */
export function allParts(count: number): Set<number> {
  return new Set(Array.from({ length: count }, (_, i) => i + 1));
}

export function intersection<T>(a: ReadonlySet<T>, b: ReadonlySet<T>): T[] {
  return [...a].filter((x) => b.has(x));
}
