/** What tartape needs to know about an object GCS holds, read from its JSON API resource. */
import type { FileMetadata } from "@google-cloud/storage";
import { crc32cFromBase64 } from "./crc32c.js";

export interface StoredObject {
  readonly name: string;
  readonly size: number;
  /** Identifies this version of the object; a rewrite of the name gets a new one. */
  readonly generation: string;
  /** Undefined only if the service reported none (GCS always does). */
  readonly crc32c: number | undefined;
  /** Base64; GCS has none for composite objects. */
  readonly md5Hash: string | undefined;
  /** Custom metadata (`x-goog-meta-*`). */
  readonly metadata: Readonly<Record<string, string>>;
  /** When this generation was written; undefined if the service reported no valid time. */
  readonly timeCreated: Date | undefined;
}

export function storedObject(resource: FileMetadata): StoredObject {
  const metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(resource.metadata ?? {})) if (value !== null && value !== undefined) metadata[name] = String(value);
  return {
    name: resource.name ?? "",
    size: Number(resource.size ?? NaN),
    generation: String(resource.generation ?? ""),
    crc32c: crc32cFromBase64(resource.crc32c),
    md5Hash: resource.md5Hash,
    metadata,
    timeCreated: createdAt(resource.timeCreated),
  };
}

function createdAt(value: unknown): Date | undefined {
  if (typeof value !== "string") return undefined;
  const time = new Date(value);
  return Number.isNaN(time.getTime()) ? undefined : time;
}
