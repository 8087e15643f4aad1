/** `gs://bucket/key`: the API endpoint comes from `--endpoint` or STORAGE_EMULATOR_HOST (fake-gcs-server and the like). */
import type { Target } from "@tartape/core";
import type { GcsConnectionOptions } from "@tartape/gcs";
import { envValue, type ConnectionOptions, type Environment } from "./connection-options.js";
import { quietMetadataWarning } from "./quiet-metadata-warning.js";

/** The API endpoint (an emulator's, from --endpoint or STORAGE_EMULATOR_HOST) and the project. */
export function gcsConnection(options: ConnectionOptions, env: Environment): GcsConnectionOptions {
  const apiEndpoint = options.endpoint ?? envValue(env, "STORAGE_EMULATOR_HOST");
  const projectId = envValue(env, "GOOGLE_CLOUD_PROJECT", "GCLOUD_PROJECT");
  return { ...(apiEndpoint !== undefined ? { apiEndpoint } : {}), ...(projectId !== undefined ? { projectId } : {}) };
}

export async function gcsTargetFromUrl(url: string, options: ConnectionOptions, env: Environment): Promise<Target> {
  const { gcsTarget, parseGcsUrl } = await import("@tartape/gcs");
  quietMetadataWarning();
  const { bucket, key } = parseGcsUrl(url);
  return gcsTarget({
    bucket,
    key,
    ...(options.partSize !== undefined ? { partSize: options.partSize } : {}),
    ...(options.idleTimeoutMs !== undefined ? { idleTimeoutMs: options.idleTimeoutMs } : {}),
    ...gcsConnection(options, env),
    storageClass: options.storageClass,
    metadata: options.metadata,
    contentType: options.contentType,
    kmsKeyName: options.kmsKeyName,
  });
}
