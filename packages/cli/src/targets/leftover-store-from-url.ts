/**
 * The LeftoverStore of a cleanup prefix URL, built from the same flags and
 * environment as an upload's target. Provider packages are imported only
 * when their scheme is used.
 */
import type { LeftoverStore } from "@tartape/core";
import { parsePrefixUrl } from "../parse/prefix-url.js";
import { azureConnection } from "./azure.js";
import type { ConnectionOptions, Environment } from "./connection-options.js";
import { gcsConnection } from "./gcs.js";
import { quietMetadataWarning } from "./quiet-metadata-warning.js";
import { s3Connection } from "./s3.js";
import { refuseForeignFlags } from "./target-from-url.js";

export async function leftoverStoreFromUrl(url: string, options: ConnectionOptions = {}, env: Environment = process.env): Promise<LeftoverStore> {
  const { scheme, bucket, prefix } = parsePrefixUrl(url);
  refuseForeignFlags(url, scheme, options);
  switch (scheme) {
    case "s3": {
      const { s3LeftoverStore } = await import("@tartape/s3");
      return s3LeftoverStore({ bucket, prefix, ...s3Connection(options, env) });
    }
    case "az": {
      const { azureLeftoverStore } = await import("@tartape/azure");
      return azureLeftoverStore({ container: bucket, prefix, ...(await azureConnection(options, env)) });
    }
    case "gs": {
      const { gcsLeftoverStore } = await import("@tartape/gcs");
      quietMetadataWarning();
      return gcsLeftoverStore({ bucket, prefix, ...gcsConnection(options, env) });
    }
  }
}
