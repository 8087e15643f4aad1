/** `az://container/blob`: the account comes from `--connection-string`, AZURE_STORAGE_CONNECTION_STRING, or AZURE_STORAGE_ACCOUNT with Microsoft Entra ID. */
import type { Target } from "@tartape/core";
import type { AzureAccessTier, AzureConnectionOptions } from "@tartape/azure";
import { envValue, type ConnectionOptions, type Environment } from "./connection-options.js";

/**
 * How to reach the account: the connection string from --connection-string or
 * AZURE_STORAGE_CONNECTION_STRING; without one, Microsoft Entra ID
 * (DefaultAzureCredential) for the account AZURE_STORAGE_ACCOUNT names; with
 * neither, nothing, and the package says what it needs.
 */
export async function azureConnection(options: ConnectionOptions, env: Environment): Promise<AzureConnectionOptions> {
  const connectionString = options.connectionString ?? envValue(env, "AZURE_STORAGE_CONNECTION_STRING");
  if (connectionString !== undefined) return { connectionString };
  const account = envValue(env, "AZURE_STORAGE_ACCOUNT");
  if (account === undefined) return {};
  const { entraIdConnection } = await import("@tartape/azure");
  return entraIdConnection(account);
}

export async function azureTargetFromUrl(url: string, options: ConnectionOptions, env: Environment): Promise<Target> {
  const { azureTarget, parseAzureUrl } = await import("@tartape/azure");
  const { container, blob } = parseAzureUrl(url);
  return azureTarget({
    container,
    blob,
    ...(options.partSize !== undefined ? { partSize: options.partSize } : {}),
    ...(options.idleTimeoutMs !== undefined ? { idleTimeoutMs: options.idleTimeoutMs } : {}),
    ...(await azureConnection(options, env)),
    accessTier: options.accessTier as AzureAccessTier | undefined,
    metadata: options.metadata,
    tags: options.tags,
    contentType: options.contentType,
    encryptionScope: options.encryptionScope,
    sseCustomerKey: options.sseCustomerKey,
  });
}
