import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { makeTempDir } from "./cleanup.js";
import { loadContainerStarters } from "./containers/load.js";
import type { ServerContainer } from "./containers/run.js";
import { envVar } from "./env.js";
import { launchWithDataDir, type LaunchOptions } from "./launch.js";
import { freePort, LOOPBACK } from "./ports.js";
import { serverMode } from "./server-mode.js";

/** Azurite's fixed development account (documented, public). */
export const AZURITE_ACCOUNT_NAME = "devstoreaccount1";
export const AZURITE_ACCOUNT_KEY =
  "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

export interface AzuriteServer {
  /** http://127.0.0.1:<port>/devstoreaccount1 (path-style account, as Azurite expects on an IP). */
  blobEndpoint: string;
  /** For BlobServiceClient.fromConnectionString(). */
  connectionString: string;
  accountName: string;
  accountKey: string;
  /** Azurite's data directory (--location); undefined for an external account, in-memory mode or a container. */
  dataDir: string | undefined;
  /** True when pointed at AZURE_STORAGE_CONNECTION_STRING instead of a local process. */
  external: boolean;
  /** Set when Azurite runs in a container (see server-mode.ts). */
  container?: ServerContainer;
  /** Stops Azurite and deletes its data. Idempotent; a no-op for an external account. */
  stop(): Promise<void>;
}

export interface StartAzuriteOptions extends LaunchOptions {
  /** Keep blobs in memory instead of a temp dir (faster, but tapes then cost RAM). Default false. */
  inMemory?: boolean;
}

export function azuriteConnectionString(blobEndpoint: string, accountName: string, accountKey: string): string {
  return `DefaultEndpointsProtocol=http;AccountName=${accountName};AccountKey=${accountKey};BlobEndpoint=${blobEndpoint};`;
}

function externalAzure(connectionString: string): AzuriteServer {
  const fields = new Map<string, string>();
  for (const part of connectionString.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0) fields.set(part.slice(0, eq).trim().toLowerCase(), part.slice(eq + 1).trim());
  }
  const accountName = fields.get("accountname");
  const accountKey = fields.get("accountkey");
  if (!accountName || !accountKey) {
    throw new Error("AZURE_STORAGE_CONNECTION_STRING must contain AccountName and AccountKey");
  }
  const blobEndpoint =
    fields.get("blobendpoint") ??
    `${fields.get("defaultendpointsprotocol") ?? "https"}://${accountName}.blob.${fields.get("endpointsuffix") ?? "core.windows.net"}`;
  return { blobEndpoint, connectionString, accountName, accountKey, dataDir: undefined, external: true, stop: async () => {} };
}

/** Azurite's blob entry point, run directly with our own node (the .bin shim would pick whatever `node` is on PATH). */
function azuriteBlobMain(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve("azurite/package.json")), "dist", "src", "blob", "main.js");
}

/** Starts Azurite's blob service on loopback, as a process or in a container (or returns AZURE_STORAGE_CONNECTION_STRING's account). */
export async function startAzurite(options: StartAzuriteOptions = {}): Promise<AzuriteServer> {
  const external = envVar("AZURE_STORAGE_CONNECTION_STRING");
  if (external) return externalAzure(external);
  if ((await serverMode()) === "containers") {
    const { startAzuriteContainer } = await loadContainerStarters();
    return startAzuriteContainer({ inMemory: options.inMemory, timeoutMs: options.timeoutMs });
  }

  const main = azuriteBlobMain();
  const location = makeTempDir("azurite");
  const { plan, stop } = await launchWithDataDir(
    "azurite",
    location,
    async () => {
      const port = await freePort();
      const address = `${LOOPBACK}:${port}`;
      return {
        command: process.execPath,
        args: [
          main,
          "--blobHost", LOOPBACK,
          "--blobPort", String(port),
          "--location", location,
          // Accept whatever x-ms-version the installed @azure/storage-blob sends.
          "--skipApiVersionCheck",
          // Ignore headers/parameters Azurite does not implement instead of failing the request.
          "--loose",
          // No access log; keeps the captured output to errors.
          "--silent",
          // No telemetry upload: tests must not touch the internet.
          "--disableTelemetry",
          ...(options.inMemory ? ["--inMemoryPersistence"] : []),
        ],
        address,
        // Any HTTP answer means it listens; an unauthenticated list is a 403.
        readyUrl: `http://${address}/${AZURITE_ACCOUNT_NAME}?comp=list`,
        isReady: (status) => status > 0,
      };
    },
    options,
  );
  const blobEndpoint = `http://${plan.address}/${AZURITE_ACCOUNT_NAME}`;
  return {
    blobEndpoint,
    connectionString: azuriteConnectionString(blobEndpoint, AZURITE_ACCOUNT_NAME, AZURITE_ACCOUNT_KEY),
    accountName: AZURITE_ACCOUNT_NAME,
    accountKey: AZURITE_ACCOUNT_KEY,
    dataDir: options.inMemory ? undefined : location,
    external: false,
    stop,
  };
}
