import type { StorageOptions } from "@google-cloud/storage";
import { makeTempDir } from "./cleanup.js";
import { loadContainerStarters } from "./containers/load.js";
import type { ServerContainer } from "./containers/run.js";
import { envVar } from "./env.js";
import { ensureServerBinary } from "./install.js";
import { launchWithDataDir, type LaunchOptions } from "./launch.js";
import { freePort, LOOPBACK } from "./ports.js";
import { serverMode } from "./server-mode.js";

export interface FakeGcsServer {
  /** http://127.0.0.1:<port> (or TARTAPE_GCS_ENDPOINT); pass to gcsClientOptions(). */
  endpoint: string;
  /** The filesystem backend's root; undefined for an external endpoint, the memory backend or a container. */
  dataDir: string | undefined;
  /** True when pointed at TARTAPE_GCS_ENDPOINT instead of a local process. */
  external: boolean;
  /** Set when fake-gcs-server runs in a container (see server-mode.ts). */
  container?: ServerContainer;
  /** Stops the server and deletes its data. Idempotent; a no-op for an external endpoint. */
  stop(): Promise<void>;
}

export interface StartFakeGcsOptions extends LaunchOptions {
  /** "filesystem" (default: large objects go to a temp dir, not RAM) or "memory". */
  backend?: "filesystem" | "memory";
}

/**
 * Options for `new Storage(...)` from @google-cloud/storage aimed at an emulator:
 * - apiEndpoint: a non-Google host makes the client a "custom endpoint" client, so JSON API
 *   and resumable-upload URLs are built from it (`<endpoint>/storage/v1`, `<endpoint>/upload/storage/v1`);
 * - useAuthWithCustomEndpoint: false: requests go out without OAuth, so no credential lookup
 *   and no metadata-server probe (which would hang without internet);
 * - projectId: set so the client never tries to detect one.
 * Prefer this to STORAGE_EMULATOR_HOST, which is process-global and documented as experimental.
 */
export function gcsClientOptions(endpoint: string): StorageOptions {
  return { apiEndpoint: endpoint, projectId: "test", useAuthWithCustomEndpoint: false };
}

/** Starts fake-gcs-server on loopback over plain HTTP, as a process or in a container (or returns TARTAPE_GCS_ENDPOINT). */
export async function startFakeGcs(options: StartFakeGcsOptions = {}): Promise<FakeGcsServer> {
  const external = envVar("TARTAPE_GCS_ENDPOINT");
  if (external) return { endpoint: external, dataDir: undefined, external: true, stop: async () => {} };
  if ((await serverMode()) === "containers") {
    const { startFakeGcsContainer } = await loadContainerStarters();
    return startFakeGcsContainer({ backend: options.backend, timeoutMs: options.timeoutMs });
  }

  const binary = await ensureServerBinary("fake-gcs-server");
  const root = makeTempDir("fake-gcs");
  const { plan, stop } = await launchWithDataDir(
    "fake-gcs-server",
    root,
    async () => {
      const port = await freePort();
      const address = `${LOOPBACK}:${port}`;
      return {
        command: binary,
        args: [
          "-scheme", "http",
          "-host", LOOPBACK,
          "-port", String(port),
          "-backend", options.backend ?? "filesystem",
          "-filesystem-root", root,
          // Requests whose Host is this are served as public/XML-API object downloads.
          "-public-host", address,
          // Used in the Location header of resumable uploads; the default would be 0.0.0.0-based.
          "-external-url", `http://${address}`,
          "-log-level", "warn",
        ],
        address,
        readyUrl: `http://${address}/_internal/healthcheck`,
      };
    },
    options,
  );
  return {
    endpoint: `http://${plan.address}`,
    dataDir: options.backend === "memory" ? undefined : root,
    external: false,
    stop,
  };
}
