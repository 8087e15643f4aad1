/**
 * The one place that turns a destination URL and the connection flags into
 * a Target. Provider packages are imported only when their scheme is used.
 */
import { fileTarget, InvalidArgumentError, type Target } from "@tartape/core";
import { azureTargetFromUrl } from "./azure.js";
import type { ConnectionOptions, Environment } from "./connection-options.js";
import { classifyDestination, type Destination } from "./destination.js";
import { gcsTargetFromUrl } from "./gcs.js";
import { s3TargetFromUrl } from "./s3.js";

/** Which flags mean something for which kind of destination. */
const FLAG_SCOPE: ReadonlyArray<{ flag: string; option: keyof ConnectionOptions; kinds: ReadonlyArray<Destination["kind"]> }> = [
  { flag: "--endpoint", option: "endpoint", kinds: ["s3", "gs"] },
  { flag: "--region", option: "region", kinds: ["s3"] },
  { flag: "--profile", option: "profile", kinds: ["s3"] },
  { flag: "--path-style", option: "pathStyle", kinds: ["s3"] },
  { flag: "--checksum", option: "checksum", kinds: ["s3"] },
  { flag: "--connection-string", option: "connectionString", kinds: ["az"] },
  { flag: "--storage-class", option: "storageClass", kinds: ["s3", "gs"] },
  { flag: "--metadata", option: "metadata", kinds: ["s3", "az", "gs"] },
  { flag: "--tag", option: "tags", kinds: ["s3", "az"] },
  { flag: "--content-type", option: "contentType", kinds: ["s3", "az", "gs"] },
  { flag: "--sse", option: "sse", kinds: ["s3"] },
  { flag: "--sse-kms-key-id", option: "sseKmsKeyId", kinds: ["s3"] },
  { flag: "--sse-customer-key", option: "sseCustomerKey", kinds: ["s3", "az"] },
  { flag: "--access-tier", option: "accessTier", kinds: ["az"] },
  { flag: "--encryption-scope", option: "encryptionScope", kinds: ["az"] },
  { flag: "--kms-key-name", option: "kmsKeyName", kinds: ["gs"] },
];

const KIND_NAMES: Readonly<Record<Destination["kind"], string>> = { file: "a local file", s3: "an s3:// URL", az: "an az:// URL", gs: "a gs:// URL" };

/** A flag given for a destination it does not apply to is a mistake worth saying, not ignoring. */
export function refuseForeignFlags(url: string, kind: Destination["kind"], options: ConnectionOptions): void {
  for (const { flag, option, kinds } of FLAG_SCOPE) {
    if (options[option] === undefined || options[option] === false || kinds.includes(kind)) continue;
    const applies = kinds.map((k) => `${k}://`).join(" and ");
    throw new InvalidArgumentError(`${flag} does not apply to '${url}' (${KIND_NAMES[kind]}); it is for ${applies} destinations only.`);
  }
}

export async function targetFromUrl(url: string, options: ConnectionOptions = {}, env: Environment = process.env): Promise<Target> {
  const destination = classifyDestination(url);
  refuseForeignFlags(url, destination.kind, options);
  switch (destination.kind) {
    case "file":
      return fileTarget(destination.path, {
        ...(options.partSize !== undefined ? { partSize: options.partSize } : {}),
        ...(options.idleTimeoutMs !== undefined ? { idleTimeoutMs: options.idleTimeoutMs } : {}),
      });
    case "s3":
      return s3TargetFromUrl(destination.url, options, env);
    case "az":
      return azureTargetFromUrl(destination.url, options, env);
    case "gs":
      return gcsTargetFromUrl(destination.url, options, env);
  }
}
