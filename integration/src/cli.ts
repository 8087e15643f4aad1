import { ensureServerBinaries } from "./install.js";
import { serverMode } from "./server-mode.js";
import { startAllServers, type AllServers } from "./servers.js";

/** `export NAME='value'` so the lines can be pasted (or sourced) into another shell. */
function exportLine(name: string, value: string): string {
  return `export ${name}='${value.replace(/'/g, `'\\''`)}'`;
}

/** The same variables the integration tests read to use already-running servers. */
function envLines(servers: AllServers): string[] {
  const { minio, azurite, gcs } = servers;
  return [
    "# MinIO (S3)",
    exportLine("TARTAPE_S3_ENDPOINT", minio.endpoint),
    exportLine("AWS_ACCESS_KEY_ID", minio.accessKey),
    exportLine("AWS_SECRET_ACCESS_KEY", minio.secretKey),
    exportLine("AWS_REGION", minio.region),
    "# Azurite (Azure Blob)",
    exportLine("AZURE_STORAGE_CONNECTION_STRING", azurite.connectionString),
    "# fake-gcs-server (GCS)",
    exportLine("TARTAPE_GCS_ENDPOINT", gcs.endpoint),
  ];
}

async function main(): Promise<void> {
  // Our own handlers (registered before any server starts) tell the exit-cleanup hook that we
  // stop servers gracefully ourselves. A second signal exits at once; the exit hook then kills them.
  let signalled = false;
  const stopSignal = new Promise<NodeJS.Signals>((resolve) => {
    for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
      process.on(signal, () => {
        if (signalled) process.exit(130);
        signalled = true;
        resolve(signal);
      });
    }
  });
  // Keeps the event loop alive even when every server is external (no child process).
  const keepAlive = setInterval(() => {}, 1 << 30);

  // Containers need no Go toolchain: the binaries are built for process mode only.
  if ((await serverMode()) === "processes") await ensureServerBinaries();
  const servers = await startAllServers();
  process.stdout.write(`${envLines(servers).join("\n")}\n`);
  if (servers.minio.dataDir) process.stderr.write(`[tartape] MinIO data: ${servers.minio.dataDir}\n`);
  process.stderr.write("[tartape] servers running; press Ctrl-C to stop them\n");

  const signal = await stopSignal;
  process.stderr.write(`[tartape] ${signal}: stopping servers\n`);
  await servers.stop();
  clearInterval(keepAlive);
}

main().catch((err: unknown) => {
  process.stderr.write(`[tartape] ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
