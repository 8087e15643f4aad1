/** Azurite in a container (@testcontainers/azurite), behind the same AzuriteServer interface as the process. */
import { AzuriteContainer } from "@testcontainers/azurite";
import { azuriteConnectionString, type AzuriteServer } from "../azurite.js";
import { imageFor } from "./images.js";
import { announce, runServerContainer, type RunOptions } from "./run.js";
import { reachableHost } from "./runtime.js";

/**
 * AzuriteContainer builds Azurite's command line inside start() and offers no way to add to it;
 * this appends the flags the process runs with too (see azurite.ts).
 */
class TartapeAzuriteContainer extends AzuriteContainer {
  override withCommand(command: string[]): this {
    return super.withCommand([
      ...command,
      // Ignore headers/parameters Azurite does not implement instead of failing the request.
      "--loose",
      // No access log.
      "--silent",
      // No telemetry upload: tests must not touch the internet.
      "--disableTelemetry",
    ]);
  }
}

export interface AzuriteContainerOptions extends RunOptions {
  inMemory?: boolean | undefined;
}

export async function startAzuriteContainer(options: AzuriteContainerOptions): Promise<AzuriteServer> {
  const image = imageFor("azurite");
  // Accept whatever x-ms-version the installed @azure/storage-blob sends (12.34 is newer than Azurite 3.37 knows).
  let definition = new TartapeAzuriteContainer(image).withSkipApiVersionCheck();
  if (options.inMemory) definition = definition.withInMemoryPersistence();
  const { started, container, stop } = await runServerContainer("Azurite", image, definition, options);
  const accountName = started.getAccountName();
  const accountKey = started.getAccountKey();
  const blobEndpoint = `http://${reachableHost(started.getHost())}:${started.getBlobPort()}/${accountName}`;
  announce("Azurite", container, blobEndpoint);
  return {
    blobEndpoint,
    connectionString: azuriteConnectionString(blobEndpoint, accountName, accountKey),
    accountName,
    accountKey,
    dataDir: undefined,
    external: false,
    container,
    stop,
  };
}
