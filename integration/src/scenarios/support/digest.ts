/** SHA-256 of tapes and objects, so a comparison never holds two large buffers side by side. */
import { createHash } from "node:crypto";
import type { Readable } from "node:stream";
import { openTape } from "@tartape/core";

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
