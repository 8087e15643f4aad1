/**
 * Real test servers as local processes on 127.0.0.1, for the integration tests:
 * - startMinio / startAzurite / startFakeGcs (or startAllServers): private instances with temp data,
 *   health-checked; each can instead point at an existing endpoint through environment variables
 *   (TARTAPE_S3_ENDPOINT + AWS_*, AZURE_STORAGE_CONNECTION_STRING, TARTAPE_GCS_ENDPOINT);
 * - startFaultProxy: deterministic connection resets / error statuses / outages in front of any of them;
 * - ensureServerBinaries: builds the pinned Go servers into the cache (also `node dist/src/install.js`).
 * Every child process is killed, and every temp dir removed, when the owning process exits.
 */
export * from "./servers.js";
export { createBucketWhenReady } from "./s3-bucket.js";
export { startFaultProxy, type FaultProxy, type FaultProxyStats } from "./fault-proxy.js";
export type { DownFault, FaultFilter, FaultKind, FaultRule, ResetFault, StatusFault } from "./fault-rules.js";
export {
  ensureServerBinaries,
  ensureServerBinary,
  binaryPath,
  SERVER_BINARIES,
  GoInstallError,
  GoNotFoundError,
  type ServerBinaryName,
} from "./install.js";
export { cacheDir, binDir } from "./paths.js";
