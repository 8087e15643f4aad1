/** What the stored object is besides its bytes (object-flags.ts); each target takes the ones it has. */
export interface ObjectOptions {
  readonly storageClass?: string | undefined;
  readonly metadata?: Readonly<Record<string, string>> | undefined;
  readonly tags?: Readonly<Record<string, string>> | undefined;
  readonly contentType?: string | undefined;
  readonly sse?: string | undefined;
  readonly sseKmsKeyId?: string | undefined;
  /** The SSE-C key itself (read from the file named on the command line). */
  readonly sseCustomerKey?: Buffer | undefined;
  readonly accessTier?: string | undefined;
  readonly encryptionScope?: string | undefined;
  readonly kmsKeyName?: string | undefined;
}

/** What the command line (and the environment) says about reaching a destination and what to store there. */
export interface ConnectionOptions extends ObjectOptions {
  /** Part size in bytes; the planner picks one when absent. */
  readonly partSize?: number | undefined;
  /** S3-compatible or GCS API endpoint (`--endpoint`). */
  readonly endpoint?: string | undefined;
  /** AWS shared config profile (`--profile`). */
  readonly profile?: string | undefined;
  /** S3 region (`--region`). */
  readonly region?: string | undefined;
  /** Path-style S3 addressing (`--path-style`). */
  readonly pathStyle?: boolean | undefined;
  /** Azure Storage connection string (`--connection-string`). */
  readonly connectionString?: string | undefined;
  /** S3 part checksum, `md5` or `crc32` (`--checksum`); checked by the S3 target. */
  readonly checksum?: string | undefined;
  /** Idle timeout per request in milliseconds (`--idle-timeout`, given in seconds); the target's default when absent. */
  readonly idleTimeoutMs?: number | undefined;
}

/** The environment variables the providers read; `process.env` unless a caller passes its own. */
export type Environment = Readonly<Record<string, string | undefined>>;

/** An environment variable's value, with an empty one treated as unset (as `VAR= tartape ...` means). */
export function envValue(env: Environment, ...names: string[]): string | undefined {
  for (const name of names) {
    const value = env[name];
    if (value !== undefined && value !== "") return value;
  }
  return undefined;
}
