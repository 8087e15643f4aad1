/**
 * What the three server containers share: the testcontainers runtime client, the labels that tie
 * each container to the process that started it, and the removal of every container this process
 * started when it ends.
 *
 * testcontainers' own reaper (Ryuk) is an image that cannot always be pulled (no registry, or a
 * podman without it), so it is not relied on: containers are removed by stop(), by this process's
 * exit hook (a synchronous child that removes whatever carries our pid label), and, for a process
 * killed without any hook (SIGKILL), by the next process of this host that starts a container.
 */
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { hostname } from "node:os";
import { pathToFileURL } from "node:url";
import { ignoringSignalListenersOf, isAlive, runAtExit } from "../cleanup.js";

type Testcontainers = typeof import("testcontainers");
/** dockerode's client, as testcontainers holds it (dockerode is not a direct dependency). */
type Dockerode = Awaited<ReturnType<Testcontainers["getContainerRuntimeClient"]>>["container"]["dockerode"];

/** Every container the integration servers start carries these labels. */
export const LABELS = {
  /** "1" on every one: what `podman rm --filter label=tartape.integration=1` removes. */
  integration: "tartape.integration",
  ownerPid: "tartape.owner-pid",
  ownerHost: "tartape.owner-host",
  /** The run of scripts/containers.mjs that started the tests (TARTAPE_CONTAINER_RUN), if any. */
  run: "tartape.run",
  /** Set by the image build of scripts/containers.mjs: what a locally built image was built from. */
  localBuild: "tartape.local-build",
} as const;

let loaded: Promise<Testcontainers> | undefined;

/** testcontainers, loaded only when containers are used (process mode never pays for it). */
export function testcontainers(): Promise<Testcontainers> {
  return (loaded ??= ignoringSignalListenersOf(() => import("testcontainers")));
}

export async function docker(): Promise<Dockerode> {
  const { getContainerRuntimeClient } = await testcontainers();
  return (await getContainerRuntimeClient()).container.dockerode;
}

/** Which Docker API testcontainers found, e.g. "unix:///run/tartape-podman/podman.sock (Debian GNU/Linux 12 (bookworm), 4 CPUs)". */
export async function describeRuntime(): Promise<string> {
  const { getContainerRuntimeClient } = await testcontainers();
  const { containerRuntime } = (await getContainerRuntimeClient()).info;
  const where = process.env["DOCKER_HOST"] || containerRuntime.remoteSocketPath;
  return `at ${where} (${containerRuntime.operatingSystem}, server ${containerRuntime.serverVersion})`;
}

/** The host to reach mapped ports on: testcontainers' answer, with "localhost" pinned to IPv4 (ports are mapped on 0.0.0.0). */
export function reachableHost(host: string): string {
  return host === "localhost" ? "127.0.0.1" : host;
}

export function ownerLabels(): Record<string, string> {
  const run = process.env["TARTAPE_CONTAINER_RUN"];
  return {
    [LABELS.integration]: "1",
    [LABELS.ownerPid]: String(process.pid),
    [LABELS.ownerHost]: hostname(),
    ...(run ? { [LABELS.run]: run } : {}),
  };
}

/** Removes (force, with volumes) every container matching all `labels`; resolves to their ids. */
export async function removeContainersLabelled(labels: Record<string, string>): Promise<string[]> {
  const api = await docker();
  const found = await api.listContainers({ all: true, filters: { label: Object.entries(labels).map(([k, v]) => `${k}=${v}`) } });
  await Promise.all(found.map((c) => api.getContainer(c.Id).remove({ force: true, v: true }).catch(() => undefined)));
  return found.map((c) => c.Id);
}

/** True while a container with this id exists (running or not). */
export async function containerExists(id: string): Promise<boolean> {
  try {
    await (await docker()).getContainer(id).inspect();
    return true;
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) return false;
    throw err;
  }
}

/**
 * Removes the containers of this host whose owning process is gone (it was SIGKILLed, or its exit
 * hook could not reach the Docker API). Containers of other hosts sharing the Docker API are not
 * touched: their pids mean nothing here. Resolves to the ids removed.
 */
export async function removeOrphanedContainers(): Promise<string[]> {
  const api = await docker();
  const ours = await api.listContainers({
    all: true,
    filters: { label: [`${LABELS.integration}=1`, `${LABELS.ownerHost}=${hostname()}`] },
  });
  const orphans = ours.filter((c) => {
    const pid = Number(c.Labels[LABELS.ownerPid]);
    return pid > 0 && pid !== process.pid && !isAlive(pid);
  });
  await Promise.all(orphans.map((c) => api.getContainer(c.Id).remove({ force: true, v: true }).catch(() => undefined)));
  return orphans.map((c) => c.Id);
}

/**
 * The exit hook's work, done in a child because an exit hook cannot wait for I/O: the child asks
 * the same runtime client for the containers labelled with our pid and removes them.
 */
function removeOwnContainersSync(): void {
  const require = createRequire(import.meta.url);
  const entry = pathToFileURL(require.resolve("testcontainers")).href;
  const script = `
    const { getContainerRuntimeClient } = await import(${JSON.stringify(entry)});
    const api = (await getContainerRuntimeClient()).container.dockerode;
    const found = await api.listContainers({ all: true, filters: { label: [${JSON.stringify(`${LABELS.ownerPid}=${process.pid}`)}, ${JSON.stringify(`${LABELS.ownerHost}=${hostname()}`)}] } });
    await Promise.all(found.map((c) => api.getContainer(c.Id).remove({ force: true, v: true }).catch(() => {})));
  `;
  spawnSync(process.execPath, ["--input-type=module", "-e", script], { stdio: "ignore", timeout: 30_000 });
}

const state = { live: 0, hooked: false, swept: undefined as Promise<unknown> | undefined };

/**
 * Marks one container start as under way until the returned `done` is called: while any is,
 * the exit hook removes this process's containers. The first call also sweeps orphans.
 */
export async function trackContainer(): Promise<{ done(): void }> {
  if (!state.hooked) {
    state.hooked = true;
    runAtExit(() => {
      if (state.live > 0) removeOwnContainersSync();
    });
  }
  await (state.swept ??= removeOrphanedContainers().then((ids) => {
    if (ids.length > 0) process.stderr.write(`[tartape] removed ${ids.length} container(s) left by test processes that died: ${ids.map((id) => id.slice(0, 12)).join(", ")}\n`);
  }));
  state.live++;
  let finished = false;
  return {
    done: () => {
      if (!finished) state.live--;
      finished = true;
    },
  };
}
