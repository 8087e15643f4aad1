/**
 * How the library's messages name the options that get past an error. The
 * CLI prints the same messages, so it swaps each of these phrases for its
 * own flag (packages/cli/src/cli-words.ts): a phrase used in a message must
 * come from here, or the command line would print library words.
 */
export const OPTION_WORDS = {
  /** uploadTape's `restart` (CLI: `upload --restart`). */
  restart: "restart: true",
  /** record's `overwrite` (CLI: `record --force`). */
  overwrite: "overwrite: true",
  /** record's `excludes` (CLI: `--exclude`). */
  exclude: "the excludes option",
  /** gcsTarget's `apiEndpoint` (CLI: `--endpoint`). */
  gcsEndpoint: "the apiEndpoint option",
  /** Where s3Target's credentials come from besides the environment (CLI: the AWS profile). */
  s3Credentials: "the credentials passed to s3Target",
  /** The other ways to give s3Target credentials (none on the command line). */
  s3CredentialsClause: ", or pass credentials to s3Target",
  /** s3Target's `checksum: "md5"` (CLI: `--checksum md5`). */
  s3ChecksumMd5: 'checksum: "md5"',
  /** s3Target's `checksum: "crc32"` (CLI: `--checksum crc32`). */
  s3ChecksumCrc32: 'checksum: "crc32"',
  /** An Azure connection string passed as an option (CLI: `--connection-string`, or the environment variable). */
  azureConnectionStringGiven: "given as connectionString",
  /** The other ways to reach Azure Storage (CLI: `--connection-string`). */
  azureCredentialOptions: "or pass connectionString, credential (with url), a url with a SAS token, or a client",
  /** A remote tape read without its catalog: RemoteTapeLocation's `catalog: null` (CLI: `ls/get --no-catalog`). */
  noCatalog: "catalog: null",
  /** Object options of the S3, Azure and GCS targets (CLI: one flag each). */
  storageClass: "the storageClass option",
  metadata: "the metadata option",
  tags: "the tags option",
  contentType: "the contentType option",
  /** s3Target's server-side encryption (CLI: `--sse`, `--sse-kms-key-id`, `--sse-customer-key`). */
  s3Sse: "the serverSideEncryption option",
  s3SseKmsKeyId: "the sseKmsKeyId option",
  s3SseCustomerKey: "the sseCustomerKey option",
  /** azureTarget's (CLI: `--access-tier`, `--encryption-scope`). */
  azureAccessTier: "the accessTier option",
  azureEncryptionScope: "the encryptionScope option",
  /** gcsTarget's `kmsKeyName` (CLI: `--kms-key-name`). */
  gcsKmsKeyName: "the kmsKeyName option",
  /** restoreTape's `sameOwner` (CLI: `restore --same-owner`). */
  sameOwner: "sameOwner: true",
  /** restoreTape's `only` (CLI: `restore --only`). */
  only: "the only option",
} as const;

export type OptionName = keyof typeof OPTION_WORDS;
