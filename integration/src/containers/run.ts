/**
 * Starts one server container the way every server needs it: labelled for cleanup, with a
 * startup timeout, removed again (with what it printed in the error) when it fails to start,
 * and stopped by an idempotent stop() that removes it and its volumes.
 */
import { randomUUID } from "node:crypto";
import type { GenericContainer, StartedTestContainer } from "testcontainers";
import { LABELS, docker, ownerLabels, removeContainersLabelled, trackContainer } from "./runtime.js";

/** Names a running server container, for messages and for the tests that check the mode. */
export interface ServerContainer {
  id: string;
  image: string;
  /** What a locally built image says it was built from (scripts/containers.mjs); undefined for a pulled image. */
  localBuild: string | undefined;
}

/** A server container failed to start: names the server, the image and what the container printed last. */
export class ContainerStartError extends Error {
  readonly code = "SERVER_CONTAINER_START";
  constructor(server: string, image: string, reason: string, outputTail: string) {
    super(
      `${server} container (${image}) did not start: ${reason}\n` +
        (outputTail.trim()
          ? `--- last lines of the ${server} container ---\n${outputTail}\n--- end of ${server} container output ---`
          : `(the container printed nothing; DEBUG=testcontainers* shows what testcontainers did)`),
    );
    this.name = "ContainerStartError";
  }
}

export interface RunOptions {
  /** Startup timeout, default 120 s (a first start on a loaded 2-core runner can be slow). */
  timeoutMs?: number | undefined;
}

const START_LABEL = "tartape.start-id";

/** Docker's log stream for a container without a TTY: frames of [stream, 0, 0, 0, size (4 bytes BE)] + payload. */
function demuxLogs(raw: Buffer): string {
  const parts: Buffer[] = [];
  let at = 0;
  while (at + 8 <= raw.length) {
    const size = raw.readUInt32BE(at + 4);
    parts.push(raw.subarray(at + 8, at + 8 + size));
    at += 8 + size;
  }
  return Buffer.concat(parts).toString("utf8");
}

async function outputOf(startId: string): Promise<string> {
  try {
    const api = await docker();
    const [found] = await api.listContainers({ all: true, filters: { label: [`${START_LABEL}=${startId}`] } });
    if (!found) return "";
    const raw = await api.getContainer(found.Id).logs({ stdout: true, stderr: true, tail: 30, follow: false });
    return demuxLogs(Buffer.isBuffer(raw) ? raw : Buffer.from(String(raw))).trimEnd();
  } catch {
    return "";
  }
}

async function localBuildOf(image: string): Promise<string | undefined> {
  try {
    const info = await (await docker()).getImage(image).inspect();
    return info.Config?.Labels?.[LABELS.localBuild] || undefined;
  } catch {
    return undefined;
  }
}

export interface RunningServerContainer<S extends StartedTestContainer> {
  started: S;
  container: ServerContainer;
  /** Stops and removes the container (and its anonymous volumes). Idempotent. */
  stop(): Promise<void>;
}

export async function runServerContainer<S extends StartedTestContainer>(
  server: string,
  image: string,
  definition: Pick<GenericContainer, "withLabels" | "withStartupTimeout"> & { start(): Promise<S> },
  options: RunOptions = {},
): Promise<RunningServerContainer<S>> {
  const startId = randomUUID();
  const tracked = await trackContainer();
  let started: S;
  try {
    definition.withLabels({ ...ownerLabels(), [START_LABEL]: startId });
    definition.withStartupTimeout(options.timeoutMs ?? 120_000);
    started = await definition.start();
  } catch (err) {
    const tail = await outputOf(startId);
    await removeContainersLabelled({ [START_LABEL]: startId }).catch(() => undefined);
    tracked.done();
    throw new ContainerStartError(server, image, err instanceof Error ? err.message : String(err), tail);
  }
  const container: ServerContainer = { id: started.getId(), image, localBuild: await localBuildOf(image) };
  let stopping: Promise<void> | undefined;
  return {
    started,
    container,
    stop: () =>
      (stopping ??= (async () => {
        try {
          await started.stop({ remove: true, removeVolumes: true });
        } finally {
          tracked.done();
        }
      })()),
  };
}

/** The line each server prints when it runs in a container, so test output names the mode and the image. */
export function announce(server: string, container: ServerContainer, endpoint: string): void {
  const built = container.localBuild ? `, built locally from ${container.localBuild}` : "";
  process.stderr.write(`[tartape] ${server}: container ${container.id.slice(0, 12)} of ${container.image}${built}, at ${endpoint}\n`);
}
