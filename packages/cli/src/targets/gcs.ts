/** `gs://bucket/key`: the API endpoint comes from `--endpoint` or STORAGE_EMULATOR_HOST (fake-gcs-server and the like). */
import type { Target } from "@tartape/core";
import { envValue, type ConnectionOptions, type Environment } from "./connection-options.js";
import { quietMetadataWarning } from "./quiet-metadata-warning.js";

export async function gcsTargetFromUrl(url: string, options: ConnectionOptions, env: Environment): Promise<Target> {
  const { gcsTarget, parseGcsUrl } = await import("@tartape/gcs");
  quietMetadataWarning();
  const { bucket, key } = parseGcsUrl(url);
  const apiEndpoint = options.endpoint ?? envValue(env, "STORAGE_EMULATOR_HOST");
  const projectId = envValue(env, "GOOGLE_CLOUD_PROJECT", "GCLOUD_PROJECT");
  return gcsTarget({
    bucket,
    key,
    ...(options.partSize !== undefined ? { partSize: options.partSize } : {}),
    ...(apiEndpoint !== undefined ? { apiEndpoint } : {}),
    ...(projectId !== undefined ? { projectId } : {}),
  });
}
