/**
 * One ranged read into `into` (exactly its length), copied in as the chunks
 * arrive: unlike collecting the chunks and concatenating them at the end,
 * the bytes are never held twice, and the buffer can be used again.
 */
import { ShortReadError } from "../remote/errors.js";
import type { ObjectVersion, Source } from "../remote/source.js";

export async function fetchRange(
  source: Source,
  start: number,
  end: number,
  version: ObjectVersion,
  into: Buffer,
  signal?: AbortSignal,
  /** Told the size of each chunk once it is copied and no longer referenced here. */
  onReceived?: (bytes: number) => void,
): Promise<Buffer> {
  const data = into;
  let filled = 0;
  for await (const chunk of await source.read(start, end, version, signal)) {
    const bytes = chunk as Buffer;
    if (filled + bytes.length > data.length) throw new ShortReadError(source.id, start, end, filled + bytes.length);
    bytes.copy(data, filled);
    filled += bytes.length;
    onReceived?.(bytes.length);
  }
  if (filled !== data.length) throw new ShortReadError(source.id, start, end, filled);
  return data;
}
