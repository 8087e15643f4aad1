/** Assertions that a failure is one of tartape's typed errors and reads well. */
import { expect } from "vitest";
import type { ErrorCode } from "@tartape/core";

export interface TypedFailure {
  readonly code: ErrorCode;
  readonly message: string;
  readonly name: string;
}

/** A failing operation must fail, not hang: nothing the suite expects to fail takes this long. */
const REJECT_WITHIN_MS = 60_000;

/** Rejects if `promise` has not settled within `ms`, so a hang fails the test with a message instead of a timeout. */
function settledWithin<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`The operation neither resolved nor rejected within ${ms} ms (hung).`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/**
 * Awaits `promise`, which must reject within a minute with an error carrying
 * `code` (or one of `code`), a message matching every fragment, and no stack
 * trace or "[object Object]" in it.
 */
export async function expectTypedError(
  promise: Promise<unknown>,
  code: ErrorCode | readonly ErrorCode[],
  ...fragments: readonly (string | RegExp)[]
): Promise<TypedFailure> {
  const codes: readonly ErrorCode[] = typeof code === "string" ? [code] : code;
  let caught: unknown = undefined;
  let rejected = false;
  try {
    await settledWithin(promise, REJECT_WITHIN_MS);
  } catch (err) {
    caught = err;
    rejected = true;
  }
  if (!rejected) throw new Error(`Expected a rejection with code ${codes.join(" or ")}, but the operation succeeded.`);
  const failure = caught as Partial<TypedFailure> | undefined;
  expect(codes, `error code ${String(failure?.code)} (message: ${String(failure?.message ?? caught)})`).toContain(failure?.code);
  const message = String(failure?.message);
  for (const fragment of fragments) {
    if (typeof fragment === "string") expect(message).toContain(fragment);
    else expect(message).toMatch(fragment);
  }
  expect(message).not.toMatch(/\n\s+at \S/);
  expect(message).not.toContain("[object Object]");
  return failure as TypedFailure;
}
