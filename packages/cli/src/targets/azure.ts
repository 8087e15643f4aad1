/** `az://container/blob`: the account comes from `--connection-string` or AZURE_STORAGE_CONNECTION_STRING. */
import type { Target } from "@tartape/core";
import type { AzureAccessTier, AzureConnectionOptions } from "@tartape/azure";
import { envValue, type ConnectionOptions, type Environment } from "./connection-options.js";

/** The connection string from --connection-string or AZURE_STORAGE_CONNECTION_STRING; none: the package says what it needs. */
export function azureConnection(options: ConnectionOptions, env: Environment): AzureConnectionOptions {
  const connectionString = options.connectionString ?? envValue(env, "AZURE_STORAGE_CONNECTION_STRING");
  return connectionString !== undefined ? { connectionString } : {};
}

export async function azureTargetFromUrl(url: string, options: ConnectionOptions, env: Environment): Promise<Target> {
  const { azureTarget, parseAzureUrl } = await import("@tartape/azure");
  const { container, blob } = parseAzureUrl(url);
  return azureTarget({
    container,
    blob,
    ...(options.partSize !== undefined ? { partSize: options.partSize } : {}),
    ...(options.idleTimeoutMs !== undefined ? { idleTimeoutMs: options.idleTimeoutMs } : {}),
    ...azureConnection(options, env),
    accessTier: options.accessTier as AzureAccessTier | undefined,
    metadata: options.metadata,
    tags: options.tags,
    contentType: options.contentType,
    encryptionScope: options.encryptionScope,
  });
}
