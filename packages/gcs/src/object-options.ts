/**
 * What the composed object is besides its bytes: storage class, custom
 * metadata, content type, and a Cloud KMS key. Given to the final compose,
 * which makes the object; named in the target's objectIdentity so a resume
 * that would compose another object than the upload began as is refused.
 * The temporary part objects keep the bucket's defaults (class, encryption)
 * until the compose replaces them and they are deleted.
 */
import type { FileMetadata } from "@google-cloud/storage";
import { InvalidArgumentError, OPTION_WORDS } from "@tartape/core";

export interface GcsObjectOptions {
  /** STANDARD, NEARLINE, COLDLINE or ARCHIVE (default: the bucket's). */
  readonly storageClass?: string | undefined;
  /** Custom metadata; keys starting `tartape-` are tartape's own. */
  readonly metadata?: Readonly<Record<string, string>> | undefined;
  /** Default `application/x-tar`. */
  readonly contentType?: string | undefined;
  /** `projects/<p>/locations/<l>/keyRings/<r>/cryptoKeys/<k>`: the Cloud KMS key that encrypts the object. */
  readonly kmsKeyName?: string | undefined;
}

const CLASSES = ["STANDARD", "NEARLINE", "COLDLINE", "ARCHIVE"];
const RESERVED_PREFIX = "tartape-";

/** The class as GCS spells it (`nearline` → `NEARLINE`); refuses what GCS would refuse. */
export function checkGcsObjectOptions(options: GcsObjectOptions): GcsObjectOptions {
  let storageClass: string | undefined;
  if (options.storageClass !== undefined) {
    storageClass = options.storageClass.toUpperCase();
    if (!CLASSES.includes(storageClass)) {
      throw new InvalidArgumentError(`${JSON.stringify(options.storageClass)} is not a Cloud Storage class for ${OPTION_WORDS.storageClass}: use STANDARD, NEARLINE, COLDLINE or ARCHIVE.`);
    }
  }
  for (const key of Object.keys(options.metadata ?? {})) {
    if (key.toLowerCase().startsWith(RESERVED_PREFIX)) {
      throw new InvalidArgumentError(`The metadata key ${JSON.stringify(key)} in ${OPTION_WORDS.metadata} starts with "${RESERVED_PREFIX}", which tartape keeps for its own: choose another name.`);
    }
  }
  if (options.kmsKeyName !== undefined && !/^projects\/[^/]+\/locations\/[^/]+\/keyRings\/[^/]+\/cryptoKeys\/[^/]+$/.test(options.kmsKeyName)) {
    throw new InvalidArgumentError(
      `${JSON.stringify(options.kmsKeyName)} is not a Cloud KMS key name for ${OPTION_WORDS.gcsKmsKeyName}: write it as projects/<project>/locations/<location>/keyRings/<ring>/cryptoKeys/<key>.`,
    );
  }
  return storageClass !== undefined ? { ...options, storageClass } : options;
}

/** The final compose's destination resource, with tartape's own metadata added. */
export function composedResource(options: GcsObjectOptions, own: Readonly<Record<string, string>>): FileMetadata {
  return {
    contentType: options.contentType ?? "application/x-tar",
    metadata: { ...options.metadata, ...own },
    ...(options.storageClass !== undefined ? { storageClass: options.storageClass } : {}),
  };
}

function pairs(record: Readonly<Record<string, string>>): string {
  return Object.keys(record)
    .sort()
    .map((key) => `${encodeURIComponent(key)}=${encodeURIComponent(record[key]!)}`)
    .join("&");
}

/** The options as objectIdentity names them (the CLI's flags, camel-cased), only those given. */
export function gcsIdentityOptions(options: GcsObjectOptions): Record<string, string> {
  const named: Record<string, string> = {};
  if (options.storageClass !== undefined) named.storageClass = options.storageClass;
  if (options.metadata !== undefined && Object.keys(options.metadata).length > 0) named.metadata = pairs(options.metadata);
  if (options.contentType !== undefined) named.contentType = options.contentType;
  if (options.kmsKeyName !== undefined) named.kmsKeyName = options.kmsKeyName;
  return named;
}
