/**
 * The library's messages name its options (`restart: true`, `partSize`,
 * `checksum: "crc32"`); printed by the CLI they must name its flags. Every
 * phrase the library uses for an option comes from OPTION_WORDS, so the
 * swap is exact; UploadOptionsChangedError words its options through
 * `cliOptionWords`.
 */
import { shellQuote } from "./output/format.js";
import { OPTION_WORDS, TartapeError, UploadOptionsChangedError, type OptionName, type OptionWords } from "@tartape/core/tape";

const FLAGS: Readonly<Record<OptionName, string>> = {
  restart: "--restart",
  overwrite: "--force",
  exclude: "--exclude",
  gcsEndpoint: "--endpoint",
  s3Credentials: "the AWS profile in use (AWS_PROFILE, ~/.aws)",
  s3CredentialsClause: "",
  s3ChecksumMd5: "--checksum md5",
  s3ChecksumCrc32: "--checksum crc32",
  azureConnectionStringGiven: "given with --connection-string or in AZURE_STORAGE_CONNECTION_STRING",
  azureCredentialOptions: "or pass --connection-string, or set AZURE_STORAGE_ACCOUNT to sign in with Microsoft Entra ID (DefaultAzureCredential)",
  noCatalog: "--no-catalog",
  storageClass: "--storage-class",
  metadata: "--metadata",
  tags: "--tag",
  contentType: "--content-type",
  s3Sse: "--sse",
  s3SseKmsKeyId: "--sse-kms-key-id",
  s3SseCustomerKey: "--sse-customer-key",
  azureAccessTier: "--access-tier",
  azureEncryptionScope: "--encryption-scope",
  gcsKmsKeyName: "--kms-key-name",
  sameOwner: "--same-owner",
  only: "--only",
};

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;

/** A byte count as `--part-size` takes it, exact: `8MiB`, `4KiB`, `5000`. */
export function sizeFlagValue(bytes: number): string {
  for (const [unit, size] of [["GiB", GiB], ["MiB", MiB], ["KiB", KiB]] as const) {
    if (bytes >= size && bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return String(bytes);
}

/** A library option with its value, as the flag that sets it. */
export const cliOptionWords: OptionWords = (option, value) => {
  if (option === "partSize") return `--part-size ${sizeFlagValue(Number(value))}`;
  // Pairs (`a=1&b=2`, URL-encoded) are one flag each, as they are given.
  if ((option === "metadata" || option === "tag") && value !== "") {
    return value.split("&").map((pair) => `--${option} ${shellQuote(decodeURIComponent(pair))}`).join(" ");
  }
  // The index keeps a customer key's MD5 (S3) or SHA-256 (Azure), never the key.
  if (option === "sseCustomerKey" && value !== "") return `--sse-customer-key <the key file whose key has ${value}>`;
  const flag = `--${option.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
  return value === "" ? `no ${flag}` : `${flag} ${value}`;
};

/** A library message with each option phrase replaced by the CLI's flag. */
export function inCliWords(message: string): string {
  let out = message;
  for (const [name, phrase] of Object.entries(OPTION_WORDS) as Array<[OptionName, string]>) out = out.split(phrase).join(FLAGS[name]);
  return out;
}

/** The message of one of tartape's errors, as the command line prints it. */
export function cliMessage(err: TartapeError): string {
  if (err instanceof UploadOptionsChangedError) return err.describe(cliOptionWords, FLAGS.restart);
  return inCliWords(err.message);
}
