/**
 * Builds the BlobServiceClient a target talks through, from whichever form
 * of credentials the caller has. Clients built here make exactly one attempt
 * per request: the upload driver owns the retry policy, and a part's body
 * stream cannot be replayed by the SDK anyway.
 */
import { AnonymousCredential, BlobServiceClient, StorageSharedKeyCredential, type BlobServiceClientOptions } from "@azure/storage-blob";
import { InvalidArgumentError, OPTION_WORDS } from "@tartape/core";

/** An Azure AD token credential (e.g. DefaultAzureCredential from @azure/identity), described by shape so @azure/identity stays optional. */
export interface TokenCredentialLike {
  getToken(scopes: string | string[], options?: object): Promise<{ token: string; expiresOnTimestamp: number } | null>;
}

export type AzureCredential = StorageSharedKeyCredential | AnonymousCredential | TokenCredentialLike;

export interface AzureConnectionOptions {
  /** A storage account connection string (account key or SAS). */
  readonly connectionString?: string;
  /** Shared key, token (Azure AD) or anonymous credential; goes with `url`. */
  readonly credential?: AzureCredential;
  /**
   * The account's blob endpoint, e.g. `https://myaccount.blob.core.windows.net`, optionally with a SAS
   * query string. Optional with a StorageSharedKeyCredential (derived from its account name).
   */
  readonly url?: string;
  /** A client you configured yourself; used as is, including its own retry policy. */
  readonly client?: BlobServiceClient;
}

export const CONNECTION_STRING_ENV = "AZURE_STORAGE_CONNECTION_STRING";

/** One attempt per request; the driver retries with a fresh body stream. */
const SINGLE_ATTEMPT: BlobServiceClientOptions = { retryOptions: { maxTries: 1 } };

function fromConnectionString(connectionString: string, source: string): BlobServiceClient {
  try {
    return BlobServiceClient.fromConnectionString(connectionString, SINGLE_ATTEMPT);
  } catch (err) {
    // The SDK's reason never contains the key; the connection string itself must not reach a message.
    const reason = err instanceof Error ? err.message : String(err);
    throw new InvalidArgumentError(
      `The Azure Storage connection string ${source} is not valid (${reason}). It should look like ` +
        "DefaultEndpointsProtocol=https;AccountName=<account>;AccountKey=<key>;EndpointSuffix=core.windows.net " +
        "(Azure portal: Storage account → Access keys → Connection string).",
    );
  }
}

function fromUrl(url: string, credential: AzureCredential | undefined): BlobServiceClient {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InvalidArgumentError(`The Azure blob endpoint '${url.split("?")[0]}' is not a URL. Use e.g. https://<account>.blob.core.windows.net.`);
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") {
    throw new InvalidArgumentError(`The Azure blob endpoint must be an http(s) URL, got '${parsed.protocol}'.`);
  }
  return new BlobServiceClient(url, credential, SINGLE_ATTEMPT);
}

/** The client for these options; with none given, AZURE_STORAGE_CONNECTION_STRING. */
export function serviceClientFor(options: AzureConnectionOptions): BlobServiceClient {
  const given = [options.client && "a client", options.connectionString !== undefined && "a connection string", (options.credential || options.url) && "a credential or url"].filter(Boolean);
  if (given.length > 1) throw new InvalidArgumentError(`Pass only one way to reach Azure Storage; got ${given.join(" and ")}.`);
  if (options.client) return options.client;
  if (options.connectionString !== undefined) return fromConnectionString(options.connectionString, OPTION_WORDS.azureConnectionStringGiven);
  if (options.url !== undefined) return fromUrl(options.url, options.credential);
  if (options.credential instanceof StorageSharedKeyCredential) {
    return fromUrl(`https://${options.credential.accountName}.blob.core.windows.net`, options.credential);
  }
  if (options.credential) throw new InvalidArgumentError("A token or anonymous credential needs the account's blob endpoint as url, e.g. https://<account>.blob.core.windows.net.");
  const fromEnv = process.env[CONNECTION_STRING_ENV];
  if (fromEnv) return fromConnectionString(fromEnv, `in ${CONNECTION_STRING_ENV}`);
  throw new InvalidArgumentError(
    `No Azure Storage credentials: set ${CONNECTION_STRING_ENV}, ${OPTION_WORDS.azureCredentialOptions}.`,
  );
}

/** The service URL without its query string, which may hold a SAS token. */
export function publicUrl(url: string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}`.replace(/\/$/, "");
}

/** The storage account's name; for endpoints the SDK cannot read it from, the host. */
export function accountNameOf(client: BlobServiceClient): string {
  return client.accountName || new URL(client.url).hostname;
}
