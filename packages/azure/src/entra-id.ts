/**
 * Signing in with Microsoft Entra ID when no account key, SAS or connection
 * string is given: @azure/identity's DefaultAzureCredential, which tries, in
 * its order, environment variables of a service principal, workload identity,
 * managed identity and the developer tools' sign-ins. It is loaded only when
 * used. When none of them can sign in, its error is a paragraph per source;
 * `credentialsUnavailable` turns it into one line naming what was tried.
 */
import { InvalidArgumentError, TargetError } from "@tartape/core";
import type { AzureConnectionOptions } from "./azure-client.js";

/** The environment variable naming the storage account a token is for. */
export const ACCOUNT_ENV = "AZURE_STORAGE_ACCOUNT";

const ACCOUNT_NAME = /^[a-z0-9]{3,24}$/;

export async function entraIdConnection(account: string): Promise<AzureConnectionOptions> {
  if (!ACCOUNT_NAME.test(account)) {
    throw new InvalidArgumentError(`'${account}' is not a storage account name (3 to 24 lowercase letters and digits); set ${ACCOUNT_ENV} to the account's name.`);
  }
  const { DefaultAzureCredential } = await import("@azure/identity");
  return { url: `https://${account}.blob.core.windows.net`, credential: new DefaultAzureCredential() };
}

/** What each source's "unavailable" message starts with or says, and how a person knows it. */
const SOURCES: ReadonlyArray<readonly [pattern: RegExp, name: string]> = [
  [/EnvironmentCredential/, "environment variables (AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET)"],
  [/WorkloadIdentityCredential/, "workload identity"],
  [/ManagedIdentityCredential/, "managed identity"],
  [/Visual Studio Code/, "VS Code sign-in"],
  [/Azure CLI/, "Azure CLI (az login)"],
  [/PowerShell/, "Azure PowerShell (Connect-AzAccount)"],
  [/Azure Developer CLI/, "Azure Developer CLI (azd auth login)"],
  [/Broker/, "the system's broker"],
];

/** The sources an error of @azure/identity says it tried, in words; empty when it is not such an error. */
export function triedSources(err: unknown): string[] {
  const e = err as { name?: unknown; errors?: unknown; message?: unknown } | null;
  if (e?.name !== "AggregateAuthenticationError" && e?.name !== "CredentialUnavailableError") return [];
  const each = Array.isArray(e.errors) ? e.errors.map((x: { message?: unknown }) => String(x?.message ?? "")) : [String(e.message ?? "")];
  const names = each.map((message) => SOURCES.find(([pattern]) => pattern.test(message))?.[1] ?? "another credential source");
  return [...new Set(names)];
}

/** The one-line error for a DefaultAzureCredential that found no way to sign in, or null for any other error. */
export function credentialsUnavailable(err: unknown, account: string): TargetError | null {
  const tried = triedSources(err);
  if (tried.length === 0) return null;
  return new TargetError(
    "TARGET_AUTH",
    `No Azure credentials for storage account '${account}': signing in with Microsoft Entra ID tried ${tried.join(", ")}, and none is set up. ` +
      "Set AZURE_STORAGE_CONNECTION_STRING (an account key or SAS), or sign in with one of those (e.g. az login, or a service principal's AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET).",
    { cause: err },
  );
}
