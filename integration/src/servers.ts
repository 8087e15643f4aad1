import { startAzurite, type AzuriteServer, type StartAzuriteOptions } from "./azurite.js";
import { startFakeGcs, type FakeGcsServer, type StartFakeGcsOptions } from "./fake-gcs.js";
import { startMinio, type MinioServer, type StartMinioOptions } from "./minio.js";

export { freePort, isPortFree, LOOPBACK } from "./ports.js";
export {
  launchServer,
  launchWithDataDir,
  probeStatus,
  ServerStartError,
  type Launched,
  type LaunchedWithDir,
  type LaunchOptions,
  type LaunchPlan,
} from "./launch.js";
export { startMinio, s3ClientConfig, MINIO_KMS_KEY_NAME, type MinioServer, type StartMinioOptions } from "./minio.js";
export {
  startAzurite,
  azuriteConnectionString,
  AZURITE_ACCOUNT_KEY,
  AZURITE_ACCOUNT_NAME,
  type AzuriteServer,
  type StartAzuriteOptions,
} from "./azurite.js";
export { startFakeGcs, gcsClientOptions, type FakeGcsServer, type StartFakeGcsOptions } from "./fake-gcs.js";

export interface AllServers {
  minio: MinioServer;
  azurite: AzuriteServer;
  gcs: FakeGcsServer;
  /** Stops all three (in parallel). */
  stop(): Promise<void>;
}

/**
 * Starts MinIO, Azurite and fake-gcs-server one after another (parallel starts would fight over
 * 2 cores and slow every health check). If one fails, the ones already started are stopped.
 */
export async function startAllServers(
  options: { minio?: StartMinioOptions; azurite?: StartAzuriteOptions; gcs?: StartFakeGcsOptions } = {},
): Promise<AllServers> {
  const started: { stop(): Promise<void> }[] = [];
  try {
    const minio = await startMinio(options.minio);
    started.push(minio);
    const azurite = await startAzurite(options.azurite);
    started.push(azurite);
    const gcs = await startFakeGcs(options.gcs);
    started.push(gcs);
    return {
      minio,
      azurite,
      gcs,
      stop: async () => {
        await Promise.all(started.map((server) => server.stop()));
      },
    };
  } catch (err) {
    await Promise.all(started.map((server) => server.stop()));
    throw err;
  }
}
