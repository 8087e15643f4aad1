/**
 * The Azure reading side: a blob (the tape, or its catalog) read back by byte
 * range, each download conditioned on the ETag seen by stat (If-Match), so two
 * versions of a blob never mix. Same connection options and error mapping as
 * the target.
 */
import { Readable } from "node:stream";
import type { BlockBlobClient, CpkInfo } from "@azure/storage-blob";
import { CATALOG_SUFFIX, ObjectChangedError, type ObjectVersion, type PartBody, type RemoteObjects, type Source } from "@tartape/core";
import { accountNameOf, publicUrl, serviceClientFor, type AzureConnectionOptions } from "./azure-client.js";
import { mapAzureError, type AzureCallContext } from "./azure-errors.js";

/** Blob metadata the target writes on the tape blob (azure-target.ts FINGERPRINT_METADATA). */
const FINGERPRINT_METADATA = "tartape_fingerprint";

export interface AzureSourceOptions extends AzureConnectionOptions {
  readonly container: string;
  readonly blob: string;
  /** The customer-provided key the tape was uploaded with: reading it, and writing its catalog, take the same. */
  readonly customerProvidedKey?: CpkInfo;
}

function errorCodeOf(err: unknown): string | undefined {
  const e = err as { details?: { errorCode?: unknown }; code?: unknown } | null;
  const code = e?.details?.errorCode ?? e?.code;
  return typeof code === "string" ? code : undefined;
}

export class AzureSource implements Source {
  readonly id: string;

  constructor(
    private readonly client: BlockBlobClient,
    private readonly where: Omit<AzureCallContext, "action" | "targetId">,
    readonly blob: string,
    private readonly cpk: { customerProvidedKey?: CpkInfo } = {},
  ) {
    this.id = `az://${where.account}/${where.container}/${blob}`;
  }

  private failure(err: unknown, action: string): unknown {
    return mapAzureError(err, { ...this.where, action, targetId: this.id });
  }

  async stat(signal?: AbortSignal): Promise<ObjectVersion | null> {
    try {
      const props = await this.client.getProperties({ ...this.cpk, ...(signal ? { abortSignal: signal } : {}) });
      return { size: props.contentLength ?? 0, version: props.etag ?? "", fingerprint: props.metadata?.[FINGERPRINT_METADATA] };
    } catch (err) {
      if (errorCodeOf(err) === "BlobNotFound") return null;
      throw this.failure(err, "reading the blob's properties");
    }
  }

  async read(start: number, end: number, version: ObjectVersion, signal?: AbortSignal): Promise<Readable> {
    if (end <= start) return Readable.from([]);
    try {
      const out = await this.client.download(start, end - start, { conditions: { ifMatch: version.version }, ...this.cpk, ...(signal ? { abortSignal: signal } : {}) });
      return out.readableStreamBody as Readable;
    } catch (err) {
      const code = errorCodeOf(err);
      if (code === "ConditionNotMet" || code === "BlobNotFound" || (err as { statusCode?: number }).statusCode === 412) throw new ObjectChangedError(this.id);
      throw this.failure(err, `reading bytes ${start}-${end - 1}`);
    }
  }

  /** Stores `body` as this blob in one Put Blob (a catalog is small), with its MD5. */
  async put(body: PartBody, signal: AbortSignal): Promise<void> {
    const md5 = await body.digest("md5", signal);
    try {
      await this.client.upload(() => body.open(), body.size, { blobHTTPHeaders: { blobContentMD5: md5, blobContentType: "application/octet-stream" }, ...this.cpk, abortSignal: signal });
    } catch (err) {
      throw this.failure(err, "writing the catalog");
    }
  }
}

/** A tape blob and its catalog blob beside it (`<blob>.tartape-catalog`), through one service client. */
export function azureRemoteObjects(options: AzureSourceOptions): RemoteObjects {
  const service = serviceClientFor(options);
  const container = service.getContainerClient(options.container);
  const where = { account: accountNameOf(service), container: options.container, endpoint: publicUrl(service.url) };
  const cpk = options.customerProvidedKey ? { customerProvidedKey: options.customerProvidedKey } : {};
  const tape = new AzureSource(container.getBlockBlobClient(options.blob), where, options.blob, cpk);
  const catalog = new AzureSource(container.getBlockBlobClient(options.blob + CATALOG_SUFFIX), where, options.blob + CATALOG_SUFFIX, cpk);
  return { tape, catalog, putCatalog: (body, signal) => catalog.put(body, signal) };
}
