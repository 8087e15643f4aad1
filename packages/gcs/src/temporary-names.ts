/**
 * Where an upload keeps its temporary objects: under a prefix derived from the
 * destination key and the tape's fingerprint, so two tapes uploaded to the same
 * key never share a part, and the names are the same on every run of one
 * upload (a rerun finds what an earlier run left).
 *
 *   <key>.tartape/<fingerprint 16 hex>/part-000001
 *   <key>.tartape/<fingerprint 16 hex>/compose-1-000001   (level 1, first intermediate)
 */
import type { ComposeNode } from "./compose-plan.js";

/** Every tape's temporaries for `key` live under this. */
export function temporaryRoot(key: string): string {
  return `${key}.tartape/`;
}

/** The prefix of one tape's temporaries: also the upload id. */
export function uploadPrefix(key: string, fingerprint: string): string {
  return `${temporaryRoot(key)}${fingerprint.slice(0, 16)}/`;
}

/** Bytes the temporary names add to the key at most (prefix, fingerprint and the longest leaf name). */
export const TEMPORARY_NAME_OVERHEAD = Buffer.byteLength(uploadPrefix("", "0".repeat(16)) + "compose-99-999999");

const PART_NAME = /^part-(\d{6,})$/;
/** Any temporary object of any tape: `<key>.tartape/<16 hex>/` then a part or an intermediate. */
const TEMPORARY_NAME = /^([\s\S]+)\.tartape\/[0-9a-f]{16}\/(?:part-\d{6,}|compose-\d+-\d{6,})$/;

/**
 * Custom metadata every temporary object carries: its upload id (the prefix it
 * lives under), so `cleanup` can tell tartape's temporaries from objects that
 * merely have a name like theirs.
 */
export const TEMPORARY_METADATA = "tartape-temporary";

/** The key and upload id an object's name says it is a temporary of, or null for any other name. */
export function temporaryOf(objectName: string): { key: string; uploadId: string } | null {
  const match = TEMPORARY_NAME.exec(objectName);
  if (!match) return null;
  const key = match[1]!;
  return { key, uploadId: objectName.slice(0, key.length + ".tartape/".length + 17) };
}

export function partName(prefix: string, number: number): string {
  return `${prefix}part-${String(number).padStart(6, "0")}`;
}

/** The part number of an object under `prefix`, or null when it is not a part. */
export function partNumberOf(prefix: string, objectName: string): number | null {
  if (!objectName.startsWith(prefix)) return null;
  const match = PART_NAME.exec(objectName.slice(prefix.length));
  if (!match) return null;
  const number = Number(match[1]);
  return Number.isSafeInteger(number) && number >= 1 ? number : null;
}

/** The object a node of the compose tree lives in (parts and intermediates alike). */
export function nodeName(prefix: string, node: ComposeNode): string {
  return node.kind === "part" ? partName(prefix, node.number) : `${prefix}compose-${node.level}-${String(node.index).padStart(6, "0")}`;
}
