/** SHA-256 of tapes and objects, so a comparison never holds two large buffers side by side. */
import { createHash } from "node:crypto";
import type { Readable } from "node:stream";
import { openTape } from "@tartape/core";
import { expect } from "vitest";

export function sha256(bytes: Buffer): string {
  return createHash("sha256").update(bytes).digest("hex");
}

export async function sha256OfStream(stream: Readable): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

export interface TapeFacts {
  readonly sha256: string;
  readonly totalSize: number;
  readonly fingerprint: string;
}

/** What the object must equal: the recorded tape of `dir`, played whole. */
export async function tapeFacts(dir: string): Promise<TapeFacts> {
  const tape = openTape(dir);
  try {
    return { sha256: await sha256OfStream(tape.createReadStream()), totalSize: tape.totalSize, fingerprint: tape.fingerprint };
  } finally {
    tape.close();
  }
}

/** `object` is the tape, byte for byte (length and SHA-256, so the failure says which). */
export function expectSameAsTape(object: Buffer, tape: TapeFacts): void {
  expect(object.length, "object size vs. tape size").toBe(tape.totalSize);
  expect(sha256(object), "SHA-256 of the object vs. the tape").toBe(tape.sha256);
}

/** The whole tape of `dir` in memory, for tests that cut it into parts themselves (small tapes only). */
export async function tapeBytes(dir: string): Promise<Buffer> {
  const tape = openTape(dir);
  try {
    const chunks: Buffer[] = [];
    for await (const chunk of tape.createReadStream()) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  } finally {
    tape.close();
  }
}
