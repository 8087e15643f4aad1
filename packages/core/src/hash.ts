/**
 * `createHash` of node:crypto, loaded when first called: loading node:crypto
 * takes about 10 ms, a tenth of the start-up of `tartape cat` or `ls`, which
 * never hash.
 */
import type { Hash } from "node:crypto";

let crypto: typeof import("node:crypto") | undefined;

export function createHash(algorithm: string): Hash {
  crypto ??= process.getBuiltinModule("node:crypto");
  return crypto.createHash(algorithm);
}
