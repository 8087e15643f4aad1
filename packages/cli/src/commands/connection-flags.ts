/** The flags that say how to reach a destination, shared by `upload`, `abort` and `cleanup`. */
import type { Command } from "commander";
import type { ConnectionOptions } from "../targets/connection-options.js";
import { parseSeconds } from "../parse/seconds.js";

export interface ConnectionFlags {
  readonly endpoint?: string;
  readonly pathStyle?: boolean;
  readonly region?: string;
  readonly profile?: string;
  readonly connectionString?: string;
  readonly checksum?: string;
  readonly idleTimeout?: string;
}

/** Each flag with its help; `cleanup` takes those that say where and as whom, not how parts are sent. */
const CONNECTION_FLAGS: ReadonlyArray<readonly [flags: string, help: string, forParts?: true]> = [
  ["--endpoint <url>", "S3-compatible endpoint (default $AWS_ENDPOINT_URL) or GCS API endpoint (default $STORAGE_EMULATOR_HOST)"],
  ["--path-style", "S3: address buckets as <endpoint>/<bucket> (the default with a custom endpoint)"],
  ["--region <region>", "S3 region (default $AWS_REGION)"],
  ["--profile <name>", "S3: a profile of the AWS config and credentials files (default $AWS_PROFILE); its keys are taken over $AWS_ACCESS_KEY_ID"],
  ["--checksum <kind>", "S3: what each part carries for the server to check: crc32 (the default: a CRC32 trailer, one read and little CPU; AWS, MinIO) or md5 (Content-MD5, for S3-compatible servers that refuse CRC32 trailers)", true],
  ["--connection-string <string>", "Azure Storage connection string (default $AZURE_STORAGE_CONNECTION_STRING, which keeps it out of `ps`)"],
  ["--idle-timeout <seconds>", "give up (and send again) a request that makes no progress this long: a server that went silent (default: 120 for S3 and GCS, none of tartape's own for Azure and files)", true],
];

export function addConnectionFlags(command: Command, options: { forParts: boolean } = { forParts: true }): Command {
  for (const [flags, help, forParts] of CONNECTION_FLAGS) if (options.forParts || !forParts) command.option(flags, help);
  return command;
}

export function connectionOptions(flags: ConnectionFlags, partSize?: number): ConnectionOptions {
  return {
    partSize,
    endpoint: flags.endpoint,
    region: flags.region,
    profile: flags.profile,
    pathStyle: flags.pathStyle,
    connectionString: flags.connectionString,
    checksum: flags.checksum,
    idleTimeoutMs: flags.idleTimeout !== undefined ? parseSeconds(flags.idleTimeout, "--idle-timeout") * 1000 : undefined,
  };
}
