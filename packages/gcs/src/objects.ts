/**
 * The JSON API calls a target makes through @google-cloud/storage, each
 * returning plain StoredObjects and leaving error mapping to the caller (which
 * knows what the call was for). Every call gives up as soon as the signal aborts.
 */
import type { Bucket, FileMetadata } from "@google-cloud/storage";
import { unlessAborted } from "./concurrency.js";
import { isNotFound, isPreconditionFailed } from "./errors.js";
import { storedObject, type StoredObject } from "./stored-object.js";

/** Objects per listing page: the service's maximum. */
const PAGE_SIZE = 1000;

/** Every object whose name starts with `prefix`, page by page; at most `limit` of them. */
export async function listObjects(bucket: Bucket, prefix: string, signal: AbortSignal, limit = Infinity): Promise<StoredObject[]> {
  const found: StoredObject[] = [];
  for await (const page of objectPages(bucket, prefix, signal, () => Math.min(PAGE_SIZE, limit - found.length))) {
    found.push(...page);
    if (found.length >= limit) break;
  }
  return found;
}

/** The objects whose names start with `prefix`, one page at a time, so a caller can keep only some of a large listing. */
export async function* objectPages(bucket: Bucket, prefix: string, signal: AbortSignal, pageSize: () => number = () => PAGE_SIZE): AsyncGenerator<StoredObject[]> {
  let pageToken: string | undefined;
  do {
    const [files, next] = await unlessAborted(bucket.getFiles({ prefix, autoPaginate: false, maxResults: pageSize(), ...(pageToken ? { pageToken } : {}) }), signal);
    yield files.map((file) => storedObject(file.metadata));
    const token = (next as { pageToken?: unknown } | null)?.pageToken;
    // A page token that does not move on would loop forever.
    pageToken = typeof token === "string" && token !== "" && token !== pageToken ? token : undefined;
  } while (pageToken !== undefined);
}

/** The object's metadata, or null when there is no such object. */
export async function statObject(bucket: Bucket, name: string, signal: AbortSignal): Promise<StoredObject | null> {
  try {
    const [resource] = await unlessAborted(bucket.file(name).getMetadata(), signal);
    return storedObject(resource);
  } catch (err) {
    if (isNotFound(err)) return null;
    throw err;
  }
}

/**
 * Deletes the object, or only that generation of it when given. An object
 * already gone, or already replaced by another generation, is not an error:
 * either way the version meant is no longer there.
 */
export async function deleteObject(bucket: Bucket, name: string, signal: AbortSignal, generation?: string): Promise<void> {
  const file = bucket.file(name);
  try {
    await unlessAborted(file.delete({ ignoreNotFound: true, ...(generation !== undefined ? { ifGenerationMatch: Number(generation) } : {}) }), signal);
  } catch (err) {
    if (generation !== undefined && isPreconditionFailed(err)) return;
    throw err;
  }
}

export interface ComposeSource {
  readonly name: string;
  /** The generation to read, so a source rewritten in the meantime fails the request instead of slipping in. */
  readonly generation: string;
}

export interface ComposeRequest {
  readonly destination: string;
  readonly sources: readonly ComposeSource[];
  /** The new object's resource: content type, custom metadata. */
  readonly resource?: FileMetadata;
  /** `0`: only if the destination does not exist; a generation: only if it is still that one. */
  readonly ifGenerationMatch?: string;
  /** The Cloud KMS key that encrypts the new object. */
  readonly kmsKeyName?: string;
}

/**
 * One compose request (1 to 32 sources). Sent as the JSON API request itself,
 * because the library's `combine` cannot set custom metadata on the result
 * nor pin the sources' generations in the request body.
 */
export async function composeObject(bucket: Bucket, request: ComposeRequest, signal: AbortSignal): Promise<StoredObject> {
  const file = bucket.file(request.destination);
  const body = {
    destination: request.resource ?? {},
    sourceObjects: request.sources.map((s) => ({ name: s.name, generation: s.generation })),
  };
  const qs = {
    ...(request.ifGenerationMatch !== undefined ? { ifGenerationMatch: request.ifGenerationMatch } : {}),
    ...(request.kmsKeyName !== undefined ? { kmsKeyName: request.kmsKeyName } : {}),
  };
  const resource = await unlessAborted(
    new Promise<FileMetadata>((resolve, reject) => {
      file.request({ method: "POST", uri: "/compose", qs, json: body }, (err, response) => (err ? reject(err) : resolve(response as FileMetadata)));
    }),
    signal,
  );
  return storedObject(resource);
}
