/**
 * What the blob is besides its bytes: access tier, metadata, index tags,
 * content type, encryption scope or customer-provided key. Azure takes them when the block list is
 * committed (the scope also with every staged block), but they are named in
 * the target's objectIdentity all the same: a resume that would commit a
 * blob other than the one the upload began as is refused, as on S3.
 */
import { InvalidArgumentError, OPTION_WORDS } from "@tartape/core";
import { customerKeyBytes, customerKeyFingerprint } from "./customer-key.js";

export type AzureAccessTier = "Hot" | "Cool" | "Cold" | "Archive";
const TIERS: readonly AzureAccessTier[] = ["Hot", "Cool", "Cold", "Archive"];

export interface AzureObjectOptions {
  /** The blob's access tier (default: the account's). */
  readonly accessTier?: AzureAccessTier | undefined;
  /** Blob metadata; names are C# identifiers, and those starting `tartape_` are tartape's own. */
  readonly metadata?: Readonly<Record<string, string>> | undefined;
  /** Blob index tags (at most 10). */
  readonly tags?: Readonly<Record<string, string>> | undefined;
  /** Default `application/x-tar`. */
  readonly contentType?: string | undefined;
  /** An encryption scope of the account, for every block and the blob. */
  readonly encryptionScope?: string | undefined;
  /** A customer-provided key (CPK, customer-key.ts): 32 bytes or their base64, for every request that writes or reads the blob's bytes. HTTPS only. */
  readonly sseCustomerKey?: Uint8Array | string | undefined;
}

const RESERVED_PREFIX = "tartape_";
const MAX_TAGS = 10;

/** The tier as Azure spells it (`cool` → `Cool`); refuses what Azure has no tier for. */
export function checkAzureObjectOptions(options: AzureObjectOptions): AzureObjectOptions {
  let tier: AzureAccessTier | undefined;
  if (options.accessTier !== undefined) {
    tier = TIERS.find((t) => t.toLowerCase() === String(options.accessTier).toLowerCase());
    if (!tier) throw new InvalidArgumentError(`${JSON.stringify(options.accessTier)} is not an Azure access tier for ${OPTION_WORDS.azureAccessTier}: use Hot, Cool, Cold or Archive.`);
  }
  for (const name of Object.keys(options.metadata ?? {})) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      throw new InvalidArgumentError(`The metadata name ${JSON.stringify(name)} in ${OPTION_WORDS.metadata} is not one Azure takes: names are C# identifiers (letters, digits and _, not starting with a digit).`);
    }
    if (name.toLowerCase().startsWith(RESERVED_PREFIX)) {
      throw new InvalidArgumentError(`The metadata name ${JSON.stringify(name)} in ${OPTION_WORDS.metadata} starts with "${RESERVED_PREFIX}", which tartape keeps for its own: choose another name.`);
    }
  }
  const tags = Object.keys(options.tags ?? {});
  if (tags.length > MAX_TAGS) throw new InvalidArgumentError(`Azure takes at most ${MAX_TAGS} index tags on a blob; ${OPTION_WORDS.tags} has ${tags.length}.`);
  if (options.encryptionScope !== undefined && !/^[A-Za-z0-9]{3,63}$/.test(options.encryptionScope)) {
    throw new InvalidArgumentError(`${JSON.stringify(options.encryptionScope)} is not an Azure encryption scope name for ${OPTION_WORDS.azureEncryptionScope}: 3 to 63 letters and digits.`);
  }
  if (options.sseCustomerKey !== undefined) {
    customerKeyBytes(options.sseCustomerKey);
    if (options.encryptionScope !== undefined) {
      throw new InvalidArgumentError(`A blob is encrypted with one kind of key: ${OPTION_WORDS.s3SseCustomerKey} cannot go with ${OPTION_WORDS.azureEncryptionScope}.`);
    }
  }
  return tier ? { ...options, accessTier: tier } : options;
}

function pairs(record: Readonly<Record<string, string>>): string {
  return Object.keys(record)
    .sort()
    .map((key) => `${encodeURIComponent(key)}=${encodeURIComponent(record[key]!)}`)
    .join("&");
}

/** The options as objectIdentity names them (the CLI's flags, camel-cased), only those given. */
export function azureIdentityOptions(options: AzureObjectOptions): Record<string, string> {
  const named: Record<string, string> = {};
  if (options.accessTier !== undefined) named.accessTier = options.accessTier;
  if (options.metadata !== undefined && Object.keys(options.metadata).length > 0) named.metadata = pairs(options.metadata);
  if (options.tags !== undefined && Object.keys(options.tags).length > 0) named.tag = pairs(options.tags);
  if (options.contentType !== undefined) named.contentType = options.contentType;
  if (options.encryptionScope !== undefined) named.encryptionScope = options.encryptionScope;
  if (options.sseCustomerKey !== undefined) named.sseCustomerKey = customerKeyFingerprint(options.sseCustomerKey);
  return named;
}
