/**
 * The scenario harness for the Azure target, against Azurite (or the account
 * in AZURE_STORAGE_CONNECTION_STRING). One container holds every key; a fault
 * proxy sits in front of the blob endpoint for the fault scenarios. The
 * "server down" target points at a loopback port nothing listens on.
 */
import { randomBytes } from "node:crypto";
import { BlobServiceClient, type ContainerClient } from "@azure/storage-blob";
import { ABORT_MARKER_METADATA, AZURE_LIMITS, azureTarget } from "@tartape/azure";
import type { Target } from "@tartape/core";
import { azuriteConnectionString, startAzurite, type AzuriteServer } from "../index.js";
import type { BadTarget, CliDestination, FaultControl, MakeTargetOptions, TargetHarness } from "./harness.js";
import { ServedServer } from "./served-server.js";
import { FreshKeys } from "./support/keys.js";

const CONTAINER = "tartape-scenarios";
const CONNECTION_STRING_ENV = "AZURE_STORAGE_CONNECTION_STRING";

/** The fault proxy speaks plain HTTP; an external https account cannot be put behind it. */
function externalAccountIsHttps(): boolean {
  const external = process.env[CONNECTION_STRING_ENV];
  if (!external) return false;
  const blobEndpoint = /(?:^|;)\s*BlobEndpoint\s*=\s*([^;]+)/i.exec(external)?.[1];
  if (blobEndpoint) return blobEndpoint.trim().startsWith("https:");
  return !/(?:^|;)\s*DefaultEndpointsProtocol\s*=\s*http\s*(?:;|$)/i.test(external);
}

/** The proxy's endpoint in place of Azurite's, keeping the account path (`/devstoreaccount1`). */
function viaProxy(blobEndpoint: string, proxyEndpoint: string): string {
  const upstream = new URL(blobEndpoint);
  return `${proxyEndpoint}${upstream.pathname}`.replace(/\/$/, "");
}

/** Put Block (`comp=block`) only: Put Block List and reads stay clean unless a scenario says otherwise. */
const PART_UPLOADS = { method: "PUT", pathPattern: /[?&]comp=block(&|$)/ };

class AzureHarness implements TargetHarness {
  readonly name = "azure";
  /** Azure takes blocks from 1 byte; the planner raises the part size only for the 50,000-block limit. */
  readonly minPartSize = AZURE_LIMITS.minPartSize;
  private readonly served = new ServedServer<AzuriteServer, ContainerClient>(
    {
      label: "Azure",
      remote: "the Azure account in use",
      start: () => startAzurite(),
      endpoint: (azurite) => new URL(azurite.blobEndpoint).origin,
      connect: (azurite) => BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient(CONTAINER),
      prepare: async (container) => {
        await container.createIfNotExists();
      },
    },
    !externalAccountIsHttps(),
  );
  readonly faults: FaultControl | null = this.served.faults(PART_UPLOADS);
  private readonly keys = new FreshKeys("-");

  setup(): Promise<void> {
    return this.served.start();
  }

  teardown(): Promise<void> {
    return this.served.stop();
  }

  private connectionString(options: { viaProxy?: boolean | undefined } = {}): string {
    const azurite = this.served.get().server;
    if (!options.viaProxy) return azurite.connectionString;
    return azuriteConnectionString(viaProxy(azurite.blobEndpoint, this.served.proxy().endpoint), azurite.accountName, azurite.accountKey);
  }

  freshKey(label: string): string {
    return this.keys.next(label);
  }

  makeTarget(key: string, options: MakeTargetOptions = {}): Target {
    return azureTarget({
      container: CONTAINER,
      blob: key,
      connectionString: this.connectionString({ viaProxy: options.viaProxy }),
      ...(options.partSize !== undefined ? { partSize: options.partSize } : {}),
      ...(options.limits ? { limits: options.limits } : {}),
    });
  }

  async putObject(key: string, bytes: Buffer): Promise<void> {
    await this.served.get().client.getBlockBlobClient(key).uploadData(bytes);
  }

  async readObject(key: string): Promise<Buffer | null> {
    try {
      return await this.served.get().client.getBlockBlobClient(key).downloadToBuffer();
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === 404) return null;
      throw err;
    }
  }

  async deleteObject(key: string): Promise<void> {
    await this.served.get().client.getBlockBlobClient(key).deleteIfExists();
  }

  /** Uncommitted blocks of this blob, and the empty marker blob an interrupted abort leaves. */
  async leftovers(key: string): Promise<string[]> {
    const blob = this.served.get().client.getBlockBlobClient(key);
    const found: string[] = [];
    try {
      const list = await blob.getBlockList("uncommitted");
      for (const block of list.uncommittedBlocks ?? []) found.push(`uncommitted block ${Buffer.from(block.name, "base64").toString("latin1")}`);
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode !== 404) throw err;
    }
    try {
      const properties = await blob.getProperties();
      if (properties.metadata?.[ABORT_MARKER_METADATA] !== undefined) found.push(`abort marker blob ${key}`);
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode !== 404) throw err;
    }
    return found;
  }

  cli(key: string, options: { viaProxy?: boolean } = {}): CliDestination {
    return { url: `az://${CONTAINER}/${key}`, args: [], env: { [CONNECTION_STRING_ENV]: this.connectionString(options) } };
  }

  badTargets(): { missingContainer: BadTarget; wrongCredentials: BadTarget | null; serverDown: BadTarget } {
    const { server: azurite, downPort } = this.served.get();
    const missing = `tartape-missing-${this.keys.runTag}`;
    const wrongKey = randomBytes(64).toString("base64");
    const downEndpoint = `http://127.0.0.1:${downPort}/${azurite.accountName}`;
    return {
      missingContainer: {
        target: azureTarget({ container: missing, blob: "x.tar", connectionString: azurite.connectionString }),
        messageIncludes: `Container '${missing}' does not exist`,
      },
      wrongCredentials: {
        target: azureTarget({ container: CONTAINER, blob: "x.tar", connectionString: azuriteConnectionString(azurite.blobEndpoint, azurite.accountName, wrongKey) }),
        messageIncludes: azurite.accountName,
      },
      serverDown: {
        target: azureTarget({ container: CONTAINER, blob: "x.tar", connectionString: azuriteConnectionString(downEndpoint, azurite.accountName, azurite.accountKey) }),
        messageIncludes: `127.0.0.1:${downPort}`,
      },
    };
  }
}

export function azureHarness(): TargetHarness {
  return new AzureHarness();
}
