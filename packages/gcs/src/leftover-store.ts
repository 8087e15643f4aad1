/**
 * `tartape cleanup` for GCS: the temporary objects (parts, intermediates) of
 * uploads that never completed, grouped by upload. An object is tartape's
 * when its name has the temporaries' shape (temporary-names.ts) and its
 * metadata names the upload it lives under; a look-alike name without that
 * is counted and never deleted. Temporaries written before that metadata
 * existed are left alone too: `tartape abort`, or the next upload of the
 * tape, deletes them.
 */
import type { Bucket, Storage } from "@google-cloud/storage";
import type { Leftover, LeftoverListing, LeftoverStore } from "@tartape/core";
import { createStorage, describeEndpoint, type GcsConnectionOptions } from "./client.js";
import { forEachConcurrently } from "./concurrency.js";
import { toTargetError } from "./errors.js";
import { deleteObject, listObjects, objectPages } from "./objects.js";
import type { StoredObject } from "./stored-object.js";
import { TEMPORARY_METADATA, temporaryOf } from "./temporary-names.js";

const DELETE_CONCURRENCY = 16;

export interface GcsLeftoverStoreOptions extends GcsConnectionOptions {
  readonly bucket: string;
  /** Only objects whose names start with this; "" for the whole bucket. */
  readonly prefix: string;
  readonly storage?: Storage;
}

/** Whether the object is one of tartape's temporaries, and of which upload. */
function ownTemporary(object: StoredObject): { key: string; uploadId: string } | null {
  const named = temporaryOf(object.name);
  return named !== null && object.metadata[TEMPORARY_METADATA] === named.uploadId ? named : null;
}

export class GcsLeftoverStore implements LeftoverStore {
  readonly location: string;
  private readonly bucket: Bucket;
  private readonly endpoint: string;

  constructor(private readonly options: GcsLeftoverStoreOptions) {
    this.location = `gs://${options.bucket}/${options.prefix}`;
    const storage = options.storage ?? createStorage(options);
    this.bucket = storage.bucket(options.bucket);
    this.endpoint = describeEndpoint(storage.apiEndpoint);
  }

  private async call<T>(operation: string, key: string, signal: AbortSignal, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      if (signal.aborted) throw err;
      throw toTargetError(err, { operation, bucket: this.options.bucket, key, endpoint: this.endpoint });
    }
  }

  async list(signal: AbortSignal): Promise<LeftoverListing> {
    const uploads = new Map<string, { key: string; objects: StoredObject[] }>();
    let notTartapes = 0;
    // Page by page, keeping only temporaries: the prefix may hold any number of other objects.
    await this.call("listing objects", this.options.prefix, signal, async () => {
      for await (const page of objectPages(this.bucket, this.options.prefix, signal)) {
        for (const object of page) {
          const own = ownTemporary(object);
          if (own === null) {
            // Counted only when it looks like a temporary: the bucket's other objects are none of cleanup's business.
            if (temporaryOf(object.name) !== null) notTartapes++;
            continue;
          }
          const group = uploads.get(own.uploadId) ?? { key: own.key, objects: [] };
          group.objects.push(object);
          uploads.set(own.uploadId, group);
        }
      }
    });
    const leftovers = [...uploads].map(([uploadId, { key, objects: held }]): Leftover => ({
      kind: "temporary-objects",
      object: `gs://${this.options.bucket}/${key}`,
      key,
      uploadId,
      lastActivity: new Date(Math.max(...held.map((o) => o.timeCreated?.getTime() ?? Date.now()))),
      bytes: held.reduce((sum, o) => sum + o.size, 0),
      pieces: held.length,
      proof: `named ${uploadId}… with metadata ${TEMPORARY_METADATA} naming that upload`,
    }));
    return { leftovers, notTartapes };
  }

  /** Deletes the upload's temporaries as listed now, each only in the generation that was judged: none written after its last activity. */
  async remove(leftover: Leftover, signal: AbortSignal): Promise<void> {
    const objects = await this.call("listing temporary objects", leftover.key, signal, () => listObjects(this.bucket, leftover.uploadId, signal));
    const judged = objects.filter((o) => ownTemporary(o)?.uploadId === leftover.uploadId && o.timeCreated !== undefined && o.timeCreated <= leftover.lastActivity);
    await forEachConcurrently(judged, DELETE_CONCURRENCY, (o) =>
      this.call(`deleting temporary object ${o.name}`, leftover.key, signal, () => deleteObject(this.bucket, o.name, signal, o.generation)),
    );
  }
}

export function gcsLeftoverStore(options: GcsLeftoverStoreOptions): GcsLeftoverStore {
  return new GcsLeftoverStore(options);
}
