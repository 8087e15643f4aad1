/**
 * The reading side of a destination: one stored object, read back by byte
 * range. Each provider package implements it next to its target, with the
 * same connection options and error mapping; core imports no SDK.
 */
import type { Readable } from "node:stream";
import type { PartBody } from "../upload/target.js";
import { ShortReadError } from "./errors.js";

/** One stored version of an object: what every ranged read is pinned to. */
export interface ObjectVersion {
  readonly size: number;
  /**
   * What the service says identifies this version: an S3 or Azure ETag, a GCS
   * generation, a local file's device, inode, size and mtime. A read pinned to
   * it fails (ObjectChangedError) once the object is another version.
   */
  readonly version: string;
  /** The tape fingerprint the object was created with, where the service keeps metadata (S3, Azure, GCS). */
  readonly fingerprint?: string | undefined;
}

export interface Source {
  /** The object as users name it, e.g. `s3://bucket/key`. */
  readonly id: string;
  /** The object's current version, or null when there is no such object. */
  stat(signal?: AbortSignal): Promise<ObjectVersion | null>;
  /**
   * Bytes [start, end) of exactly `version`: the service is asked to refuse
   * the read when the object is no longer that version (If-Match, generation),
   * so bytes of two versions never mix. Fails with ObjectChangedError then.
   */
  read(start: number, end: number, version: ObjectVersion, signal?: AbortSignal): Promise<Readable>;
}

/**
 * Where a target's finished object can be read back, and where its catalog
 * (`<key>.tartape-catalog`, docs/catalog-format.md) lives and is written.
 */
export interface RemoteObjects {
  readonly tape: Source;
  readonly catalog: Source;
  /** Stores the catalog object whole (replacing any earlier one); resolves once the service acknowledged it. */
  putCatalog(body: PartBody, signal: AbortSignal): Promise<void>;
}

/**
 * The suffix of the catalog's key: `<key>.tartape-catalog`. Not `<key>.tartape`:
 * the GCS target keeps its temporary parts under `<key>.tartape/`, and a
 * store that maps names onto folders cannot hold both.
 */
export const CATALOG_SUFFIX = ".tartape-catalog";

/** Reads a whole range into memory: for the small reads of a catalog or a header. */
export async function readRange(source: Source, start: number, end: number, version: ObjectVersion, signal?: AbortSignal): Promise<Buffer> {
  if (end <= start) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  for await (const chunk of await source.read(start, end, version, signal)) chunks.push(chunk as Buffer);
  const data = Buffer.concat(chunks);
  if (data.length !== end - start) throw new ShortReadError(source.id, start, end, data.length);
  return data;
}
