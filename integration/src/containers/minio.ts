/** MinIO in a container (@testcontainers/minio), behind the same MinioServer interface as the process. */
import { MinioContainer } from "@testcontainers/minio";
import type { MinioServer } from "../minio.js";
import { MINIO_KMS_SECRET_KEY } from "../minio-kms.js";
import { imageFor } from "./images.js";
import { announce, runServerContainer, type RunOptions } from "./run.js";
import { reachableHost } from "./runtime.js";

export interface MinioContainerOptions extends RunOptions {
  accessKey: string;
  secretKey: string;
  region: string;
}

export async function startMinioContainer(options: MinioContainerOptions): Promise<MinioServer> {
  const image = imageFor("minio");
  const definition = new MinioContainer(image)
    .withUsername(options.accessKey)
    .withPassword(options.secretKey)
    // The same settings as the process (see minio.ts): offline, quiet, small.
    .withEnvironment({
      MINIO_SITE_REGION: options.region,
      MINIO_UPDATE: "off",
      MINIO_BROWSER: "off",
      MINIO_CALLHOME_ENABLE: "off",
      MINIO_CI_CD: "1",
      MINIO_KMS_SECRET_KEY,
    });
  const { started, container, stop } = await runServerContainer("MinIO", image, definition, options);
  const endpoint = `http://${reachableHost(started.getHost())}:${started.getPort()}`;
  announce("MinIO", container, endpoint);
  return {
    endpoint,
    accessKey: options.accessKey,
    secretKey: options.secretKey,
    region: options.region,
    dataDir: undefined,
    external: false,
    container,
    stop,
  };
}
