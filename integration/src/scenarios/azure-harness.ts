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
import { azuriteConnectionString, freePort, startAzurite, startFaultProxy, type AzuriteServer, type FaultProxy } from "../index.js";
import type { BadTarget, CliDestination, FaultControl, MakeTargetOptions, TargetHarness } from "./harness.js";
import { ProxyFaults } from "./proxy-faults.js";

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

interface Running {
  readonly azurite: AzuriteServer;
  readonly proxy: FaultProxy | null;
  readonly container: ContainerClient;
  /** A loopback port nothing listens on: the "server down" endpoint. */
  readonly downPort: number;
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
  readonly faults: FaultControl | null = externalAccountIsHttps() ? null : new ProxyFaults(() => this.proxy(), PART_UPLOADS);
  private running: Running | null = null;
  private keys = 0;
  private readonly runTag = randomBytes(3).toString("hex");

  async setup(): Promise<void> {
    const azurite = await startAzurite();
    let proxy: FaultProxy | null = null;
    try {
      const service = BlobServiceClient.fromConnectionString(azurite.connectionString);
      const container = service.getContainerClient(CONTAINER);
      await container.createIfNotExists();
      if (this.faults !== null) proxy = await startFaultProxy(new URL(azurite.blobEndpoint).origin);
      this.running = { azurite, proxy, container, downPort: await freePort() };
    } catch (err) {
      await proxy?.stop();
      await azurite.stop();
      throw err;
    }
  }

  async teardown(): Promise<void> {
    const running = this.running;
    this.running = null;
    if (!running) return;
    try {
      await running.proxy?.stop();
    } finally {
      await running.azurite.stop();
    }
  }

  private state(): Running {
    if (this.running === null) throw new Error("The Azure harness is used before setup() or after teardown().");
    return this.running;
  }

  private proxy(): FaultProxy {
    const { proxy } = this.state();
    if (proxy === null) throw new Error("No fault proxy: the Azure account in use is reached over https, which the proxy cannot front.");
    return proxy;
  }

  private connectionString(options: { viaProxy?: boolean | undefined } = {}): string {
    const { azurite } = this.state();
    if (!options.viaProxy) return azurite.connectionString;
    return azuriteConnectionString(viaProxy(azurite.blobEndpoint, this.proxy().endpoint), azurite.accountName, azurite.accountKey);
  }

  freshKey(label: string): string {
    return `${label.replace(/[^A-Za-z0-9-]/g, "-")}-${this.runTag}-${++this.keys}.tar`;
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

  async readObject(key: string): Promise<Buffer | null> {
    try {
      return await this.state().container.getBlockBlobClient(key).downloadToBuffer();
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === 404) return null;
      throw err;
    }
  }

  /** Uncommitted blocks of this blob, and the empty marker blob an interrupted abort leaves. */
  async leftovers(key: string): Promise<string[]> {
    const blob = this.state().container.getBlockBlobClient(key);
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
    const { azurite, downPort } = this.state();
    const missing = `tartape-missing-${this.runTag}`;
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
