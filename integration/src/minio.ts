import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { makeTempDir } from "./cleanup.js";
import { envVar, envWithout, requireEnv } from "./env.js";
import { loadContainerStarters } from "./containers/load.js";
import type { ServerContainer } from "./containers/run.js";
import { ensureServerBinary } from "./install.js";
import { launchWithDataDir, type LaunchOptions } from "./launch.js";
import { MINIO_KMS_SECRET_KEY } from "./minio-kms.js";
import { freePort, LOOPBACK } from "./ports.js";
import { serverMode } from "./server-mode.js";

export interface MinioServer {
  /** http://127.0.0.1:<port> (or TARTAPE_S3_ENDPOINT). Use path-style addressing. */
  endpoint: string;
  accessKey: string;
  secretKey: string;
  region: string;
  /** MinIO's data directory; undefined for an external endpoint or a container. */
  dataDir: string | undefined;
  /** True when pointed at TARTAPE_S3_ENDPOINT instead of a local process. */
  external: boolean;
  /** Set when MinIO runs in a container (see server-mode.ts). */
  container?: ServerContainer;
  /** Stops MinIO and deletes its data. Idempotent; a no-op for an external endpoint. */
  stop(): Promise<void>;
}

export interface StartMinioOptions extends LaunchOptions {
  accessKey?: string;
  secretKey?: string;
  region?: string;
}

export { MINIO_KMS_KEY_NAME } from "./minio-kms.js";

/** Env for MinIO: credentials plus everything that keeps it offline, quiet and small. */
function minioEnv(home: string, accessKey: string, secretKey: string, region: string): NodeJS.ProcessEnv {
  return envWithout("MINIO_", {
    // MinIO creates its (deprecated) config dir ~/.minio even with --certs-dir: keep it in our temp dir.
    HOME: home,
    MINIO_ROOT_USER: accessKey,
    MINIO_ROOT_PASSWORD: secretKey,
    MINIO_SITE_REGION: region,
    // No update check against dl.min.io at startup.
    MINIO_UPDATE: "off",
    // No embedded console (it would need its own port and fetches nothing we need).
    MINIO_BROWSER: "off",
    // No call-home / diagnostics upload (off by default; pinned in case that changes).
    MINIO_CALLHOME_ENABLE: "off",
    // CI mode: caps the buffer pool at 256 MiB instead of sizing it from machine RAM, and
    // relaxes root-drive checks that are irrelevant for a throwaway temp directory.
    MINIO_CI_CD: "1",
    // A static KMS key, so tests can ask for SSE-S3 and SSE-KMS (KMS_KEY_NAME); only requests that ask are encrypted.
    MINIO_KMS_SECRET_KEY,
  });
}

function externalMinio(endpoint: string): MinioServer {
  const why = "TARTAPE_S3_ENDPOINT points the tests at an external S3 endpoint";
  return {
    endpoint,
    accessKey: requireEnv("AWS_ACCESS_KEY_ID", why),
    secretKey: requireEnv("AWS_SECRET_ACCESS_KEY", why),
    region: envVar("AWS_REGION") ?? envVar("AWS_DEFAULT_REGION") ?? "us-east-1",
    dataDir: undefined,
    external: true,
    stop: async () => {},
  };
}

/** Starts a private single-drive MinIO on loopback, as a process or in a container (or returns TARTAPE_S3_ENDPOINT). */
export async function startMinio(options: StartMinioOptions = {}): Promise<MinioServer> {
  const external = envVar("TARTAPE_S3_ENDPOINT");
  if (external) return externalMinio(external);

  const accessKey = options.accessKey ?? "tartape-test";
  const secretKey = options.secretKey ?? "tartape-test-secret";
  const region = options.region ?? "us-east-1";
  if ((await serverMode()) === "containers") {
    const { startMinioContainer } = await loadContainerStarters();
    return startMinioContainer({ accessKey, secretKey, region, timeoutMs: options.timeoutMs });
  }
  const binary = await ensureServerBinary("minio");
  const root = makeTempDir("minio");
  const dataDir = join(root, "data");
  // Certificates dir inside our temp dir: otherwise MinIO uses ~/.minio/certs.
  const certsDir = join(root, "certs");
  mkdirSync(dataDir);
  mkdirSync(certsDir);
  const { plan, stop } = await launchWithDataDir(
    "minio",
    root,
    async () => {
      const port = await freePort();
      const consolePort = await freePort();
      const address = `${LOOPBACK}:${port}`;
      return {
        command: binary,
        args: ["server", dataDir, "--address", address, "--console-address", `${LOOPBACK}:${consolePort}`, "--certs-dir", certsDir],
        env: minioEnv(root, accessKey, secretKey, region),
        address,
        readyUrl: `http://${address}/minio/health/live`,
      };
    },
    options,
  );
  return {
    endpoint: `http://${plan.address}`,
    accessKey,
    secretKey,
    region,
    dataDir,
    external: false,
    stop,
  };
}

/**
 * Options for `new S3Client(...)` from @aws-sdk/client-s3 aimed at this server.
 * Path-style because MinIO on an IP address has no virtual-host bucket DNS.
 */
export function s3ClientConfig(server: Pick<MinioServer, "endpoint" | "accessKey" | "secretKey" | "region">): {
  endpoint: string;
  region: string;
  forcePathStyle: true;
  credentials: { accessKeyId: string; secretAccessKey: string };
} {
  return {
    endpoint: server.endpoint,
    region: server.region,
    forcePathStyle: true,
    credentials: { accessKeyId: server.accessKey, secretAccessKey: server.secretKey },
  };
}
