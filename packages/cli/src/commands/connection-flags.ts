/** The flags that say how to reach a destination, shared by `upload` and `abort`. */
import type { Command } from "commander";
import type { ConnectionOptions } from "../targets/connection-options.js";

export interface ConnectionFlags {
  readonly endpoint?: string;
  readonly pathStyle?: boolean;
  readonly region?: string;
  readonly connectionString?: string;
  readonly checksum?: string;
}

export function addConnectionFlags(command: Command): Command {
  return command
    .option("--endpoint <url>", "S3-compatible endpoint (default $AWS_ENDPOINT_URL) or GCS API endpoint (default $STORAGE_EMULATOR_HOST)")
    .option("--path-style", "S3: address buckets as <endpoint>/<bucket> (the default with a custom endpoint)")
    .option("--region <region>", "S3 region (default $AWS_REGION)")
    .option("--checksum <kind>", "S3: what each part carries for the server to check: crc32 (the default: a CRC32 trailer, one read and little CPU; AWS, MinIO) or md5 (Content-MD5, for S3-compatible servers that refuse CRC32 trailers)")
    .option("--connection-string <string>", "Azure Storage connection string (default $AZURE_STORAGE_CONNECTION_STRING, which keeps it out of `ps`)");
}

export function connectionOptions(flags: ConnectionFlags, partSize?: number): ConnectionOptions {
  return {
    partSize,
    endpoint: flags.endpoint,
    region: flags.region,
    pathStyle: flags.pathStyle,
    connectionString: flags.connectionString,
    checksum: flags.checksum,
  };
}
