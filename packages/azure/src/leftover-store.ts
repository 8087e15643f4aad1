/**
 * `tartape cleanup` for Azure: blobs under a prefix that hold staged blocks
 * and nothing committed, every block id of tartape's scheme (block-id.ts),
 * and the empty marked blobs an abort leaves when cut short. A blob with
 * committed content is never touched (the next commit at its name drops the
 * blocks, or Azure after 7 days); one with a block id of another scheme is
 * counted and left alone. Blobs with only uncommitted blocks appear in a
 * listing only when it asks for them (includeUncommitedBlobs).
 */
import type { BlobItem, ContainerClient } from "@azure/storage-blob";
import type { Leftover, LeftoverListing, LeftoverStore } from "@tartape/core";
import { accountNameOf, publicUrl, serviceClientFor, type AzureConnectionOptions } from "./azure-client.js";
import { errorCodeOf, mapAzureError } from "./azure-errors.js";
import { isUploadId, parseBlockId } from "./block-id.js";
import { ABORT_MARKER_METADATA, deleteIfUnchanged, dropStagedBlocks, type Send } from "./drop-staged.js";

export interface AzureLeftoverStoreOptions extends AzureConnectionOptions {
  readonly container: string;
  /** Only blobs whose names start with this; "" for the whole container. */
  readonly prefix: string;
}

type Judged = { readonly leftover: Leftover } | { readonly notTartape: true } | null;

export class AzureLeftoverStore implements LeftoverStore {
  readonly location: string;
  private readonly containerClient: ContainerClient;
  private readonly account: string;
  private readonly endpoint: string;

  constructor(private readonly options: AzureLeftoverStoreOptions) {
    const service = serviceClientFor(options);
    this.containerClient = service.getContainerClient(options.container);
    this.account = accountNameOf(service);
    this.endpoint = publicUrl(service.url);
    this.location = `az://${this.account}/${options.container}/${options.prefix}`;
  }

  private failure(err: unknown, action: string, blob: string): unknown {
    return mapAzureError(err, { action, targetId: `az://${this.account}/${this.options.container}/${blob}`, account: this.account, container: this.options.container, endpoint: this.endpoint });
  }

  private send(signal: AbortSignal): Send {
    return (request) => request(signal);
  }

  async list(signal: AbortSignal): Promise<LeftoverListing> {
    const leftovers: Leftover[] = [];
    let notTartapes = 0;
    try {
      const blobs = this.containerClient.listBlobsFlat({ prefix: this.options.prefix, includeUncommitedBlobs: true, includeMetadata: true, abortSignal: signal });
      for await (const item of blobs) {
        const judged = await this.judge(item, signal);
        if (judged === null) continue;
        if ("notTartape" in judged) notTartapes++;
        else leftovers.push(judged.leftover);
      }
    } catch (err) {
      throw this.failure(err, "listing blobs", this.options.prefix);
    }
    return { leftovers, notTartapes };
  }

  private leftover(item: BlobItem, fields: Pick<Leftover, "kind" | "uploadId" | "bytes" | "pieces" | "proof">): Leftover {
    const times = [item.properties.createdOn, item.properties.lastModified].filter((t): t is Date => t !== undefined).map((t) => t.getTime());
    return { ...fields, object: `az://${this.account}/${this.options.container}/${item.name}`, key: item.name, lastActivity: new Date(Math.max(...times)) };
  }

  /** Whether the blob is a leftover of tartape's, another writer's staged blocks, or neither (null). */
  private async judge(item: BlobItem, signal: AbortSignal): Promise<Judged> {
    // Only an empty blob can be what cleanup removes: nothing committed, or an abort's empty marked blob.
    if (item.properties.contentLength !== 0) return null;
    const marker = item.metadata?.[ABORT_MARKER_METADATA];
    if (marker !== undefined) {
      return isUploadId(marker) ? { leftover: this.leftover(item, { kind: "abort-marker", uploadId: marker, bytes: 0, pieces: 0, proof: `empty blob with metadata ${ABORT_MARKER_METADATA}` }) } : { notTartape: true };
    }
    let list;
    try {
      list = await this.containerClient.getBlockBlobClient(item.name).getBlockList("all", { abortSignal: signal });
    } catch (err) {
      if (errorCodeOf(err) === "BlobNotFound") return null; // gone since the listing
      throw err;
    }
    const staged = list.uncommittedBlocks ?? [];
    if ((list.committedBlocks ?? []).length > 0 || staged.length === 0) return null;
    const uploads = new Set(staged.map((b) => parseBlockId(b.name)?.uploadId));
    if (uploads.has(undefined)) return { notTartape: true };
    return {
      leftover: this.leftover(item, {
        kind: "uncommitted-blocks",
        uploadId: [...uploads].sort().join(","),
        bytes: staged.reduce((sum, b) => sum + b.size, 0),
        pieces: staged.length,
        proof: "every staged block id is tartape's, nothing committed",
      }),
    };
  }

  async remove(leftover: Leftover, signal: AbortSignal): Promise<void> {
    const blob = this.containerClient.getBlockBlobClient(leftover.key);
    const action = leftover.kind === "abort-marker" ? "deleting an aborted upload's empty blob" : "discarding the staged blocks";
    try {
      if (leftover.kind === "abort-marker") {
        const properties = await blob.getProperties({ abortSignal: signal });
        // Deleted only while it is still that empty marked blob.
        if (properties.contentLength === 0 && properties.metadata?.[ABORT_MARKER_METADATA] === leftover.uploadId) await deleteIfUnchanged(blob, properties.etag, this.send(signal));
        return;
      }
      await dropStagedBlocks(blob, leftover.uploadId.split(",")[0]!, this.send(signal));
    } catch (err) {
      if (errorCodeOf(err) === "BlobNotFound") return;
      throw this.failure(err, action, leftover.key);
    }
  }
}

export function azureLeftoverStore(options: AzureLeftoverStoreOptions): AzureLeftoverStore {
  return new AzureLeftoverStore(options);
}
