#!/usr/bin/env node
// `pnpm test:containers`: the integration tests with every server in a container (testcontainers).
//
//   node integration/scripts/containers.mjs [vitest file filters...]
//
// With a Docker API (DOCKER_HOST, or /var/run/docker.sock answering), the tests pull the official
// images from their registries. Without one (this project's CI machines: no Docker engine, no
// image registry, but apt and root), it sets up podman serving the Docker API and builds the
// images locally (see local-images.mjs), runs the tests, then stops podman again.
//
// No container outlives the run: containers are removed by label before the tests (left by an
// interrupted run) and after them (even when a test failed or the run was interrupted), and the
// run fails if any is left. Run `pnpm build` first (the root script does).
import { spawn, spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath, pathToFileURL } from "node:url";
import { buildLocalImages } from "./local-images.mjs";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const dist = path.join(repo, "integration", "dist", "src");
const LABEL = "tartape.integration=1";
/** Labels every container of this run (through TARTAPE_CONTAINER_RUN, see integration/src/containers/runtime.ts). */
const RUN_ID = randomUUID();
const DEFAULT_SOCKET = "/var/run/docker.sock";
const started = Date.now();

function log(message) {
  process.stderr.write(`[containers] ${message}\n`);
}

function seconds(since) {
  return `${((Date.now() - since) / 1000).toFixed(1)} s`;
}

function has(command) {
  return spawnSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" }).status === 0;
}

// --- the Docker API, over a unix socket or plain TCP -------------------------------------------

function apiTarget(dockerHost) {
  const url = new URL(dockerHost);
  if (url.protocol === "unix:") return { socketPath: url.pathname };
  if (url.protocol === "tcp:" || url.protocol === "http:") return { host: url.hostname, port: Number(url.port) || 2375 };
  throw new Error(`DOCKER_HOST=${dockerHost}: only unix:// and tcp:// (without TLS) are supported by this script`);
}

function dockerApi(dockerHost, method, apiPath, timeoutMs = 10_000) {
  return new Promise((resolve, reject) => {
    const req = http.request({ ...apiTarget(dockerHost), method, path: apiPath, timeout: timeoutMs }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.once("timeout", () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.once("error", reject);
    req.end();
  });
}

async function answers(dockerHost) {
  try {
    return (await dockerApi(dockerHost, "GET", "/_ping", 3000)).status === 200;
  } catch {
    return false;
  }
}

async function containersLabelled(dockerHost, labels) {
  const filters = encodeURIComponent(JSON.stringify({ label: labels }));
  const { status, body } = await dockerApi(dockerHost, "GET", `/containers/json?all=1&filters=${filters}`);
  if (status !== 200) throw new Error(`listing containers answered HTTP ${status}: ${body}`);
  return JSON.parse(body);
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === "EPERM";
  }
}

/**
 * The test-server containers to remove: this run's (label tartape.run), and those of this host
 * whose owning process is dead (a run or worker killed before it could remove them). Containers of
 * a concurrent run, or of another host sharing the Docker API, are left alone.
 */
async function containersToRemove(dockerHost) {
  const ours = await containersLabelled(dockerHost, [LABEL]);
  return ours
    .filter((c) => {
      const labels = c.Labels ?? {};
      if (labels["tartape.run"] === RUN_ID) return true;
      const pid = Number(labels["tartape.owner-pid"]);
      return labels["tartape.owner-host"] === os.hostname() && pid > 0 && !isAlive(pid);
    })
    .map((c) => c.Id);
}

/** Removes them; resolves to how many there were. */
async function removeLeftContainers(dockerHost) {
  const ids = await containersToRemove(dockerHost);
  for (const id of ids) await dockerApi(dockerHost, "DELETE", `/containers/${id}?force=1&v=1`, 30_000);
  return ids.length;
}

// --- podman, for a machine without Docker ------------------------------------------------------

/**
 * Settings measured on this project's CI machines (podman 4.3.1 from Debian 12):
 * - root there lacks CAP_SYS_RESOURCE, so podman's default nofile limit cannot be set: lower ones;
 * - crun refuses the host's hybrid cgroups; runc works.
 */
const CONTAINERS_CONF = `[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]

[engine]
runtime = "runc"
`;

function stateDir() {
  const uid = process.getuid?.() ?? 0;
  return uid === 0 ? "/run/tartape-podman" : path.join(os.tmpdir(), `tartape-podman-${uid}`);
}

function podmanEnv(state) {
  return { ...process.env, CONTAINERS_CONF: path.join(state, "containers.conf") };
}

function installPodman() {
  const missing = ["podman", "runc"].filter((tool) => !has(tool));
  if (missing.length === 0) return;
  const asRoot = process.getuid?.() === 0;
  if (!asRoot || !has("apt-get")) {
    throw new Error(`${missing.join(" and ")} not found: install ${missing.length > 1 ? "them" : "it"} (Debian/Ubuntu: apt-get install ${missing.join(" ")}), or give the tests a Docker API (DOCKER_HOST)`);
  }
  const t = Date.now();
  log(`installing ${missing.join(", ")} with apt-get`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  for (const args of [["update", "-qq"], ["install", "-y", "-qq", ...missing]]) {
    const result = spawnSync("apt-get", args, { stdio: ["ignore", "ignore", "inherit"], env });
    if (result.status !== 0) throw new Error(`apt-get ${args.join(" ")} failed (exit ${result.status})`);
  }
  log(`installed ${missing.join(", ")} in ${seconds(t)}`);
}

/** The pid in `file` if that process is a podman service this script started (a run killed before stopping it). */
function leftoverService(file) {
  try {
    const pid = Number(fs.readFileSync(file, "utf8").trim());
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
    return cmdline.includes("podman") || cmdline.some((arg) => arg.endsWith("/podman")) ? (cmdline.includes("service") ? pid : undefined) : undefined;
  } catch {
    return undefined;
  }
}

async function waitGone(pid, ms) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    try {
      process.kill(pid, 0);
    } catch {
      return true;
    }
    await sleep(100);
  }
  return false;
}

async function stopService(pid) {
  try {
    process.kill(pid, "SIGTERM");
  } catch {
    return;
  }
  if (!(await waitGone(pid, 10_000))) {
    process.kill(pid, "SIGKILL");
    await waitGone(pid, 5000);
  }
}

/** Starts `podman system service` on a private socket; resolves to its DOCKER_HOST and how to stop it. */
async function startPodmanService(state) {
  fs.mkdirSync(state, { recursive: true });
  fs.writeFileSync(path.join(state, "containers.conf"), CONTAINERS_CONF);
  const pidFile = path.join(state, "service.pid");
  const ownerFile = path.join(state, "owner.pid");
  const old = leftoverService(pidFile);
  const owner = Number(fs.existsSync(ownerFile) ? fs.readFileSync(ownerFile, "utf8").trim() : 0);
  if (old && owner > 0 && owner !== process.pid && isAlive(owner)) {
    throw new Error(`another test:containers run (pid ${owner}) is using the podman service at ${state}; run one at a time (or give each a Docker API through DOCKER_HOST)`);
  }
  fs.writeFileSync(ownerFile, String(process.pid));
  if (old) {
    log(`stopping the podman service (pid ${old}) an interrupted run left`);
    await stopService(old);
  }
  const socket = path.join(state, "podman.sock");
  fs.rmSync(socket, { force: true });
  const dockerHost = `unix://${socket}`;
  const logFile = fs.openSync(path.join(state, "service.log"), "w");
  const service = spawn("podman", ["system", "service", "--time=0", dockerHost], { env: podmanEnv(state), stdio: ["ignore", logFile, logFile] });
  fs.closeSync(logFile);
  fs.writeFileSync(pidFile, String(service.pid));
  let exited = false;
  service.once("exit", () => (exited = true));
  const deadline = Date.now() + 30_000;
  while (!(await answers(dockerHost))) {
    if (exited || Date.now() > deadline) {
      const tail = fs.readFileSync(path.join(state, "service.log"), "utf8").split("\n").slice(-20).join("\n");
      throw new Error(`podman system service ${exited ? "exited" : "did not answer within 30 s"}; its log (${path.join(state, "service.log")}):\n${tail}`);
    }
    await sleep(200);
  }
  return {
    dockerHost,
    stop: async () => {
      await stopService(service.pid);
      fs.rmSync(pidFile, { force: true });
      fs.rmSync(ownerFile, { force: true });
    },
  };
}

function podmanRunner(state) {
  return (args, options = {}) => spawnSync("podman", args, { env: podmanEnv(state), ...options });
}

// --- the run --------------------------------------------------------------------------------

/** Runs vitest's integration project; SIGINT/SIGTERM go to vitest first, a second one kills it. */
function runVitest(env, filters) {
  const vitest = path.join(repo, "node_modules", "vitest", "vitest.mjs");
  const command = [process.execPath, vitest, "run", "--project", "integration", ...filters];
  // If this script is SIGKILLed, the kernel sends vitest SIGTERM, and its workers remove their
  // containers on the way out (the podman service is left up for that; the next run stops it).
  const [file, ...args] = has("setpriv") ? ["setpriv", "--pdeathsig", "TERM", "--", ...command] : command;
  const child = spawn(file, args, { cwd: repo, env, stdio: "inherit" });
  let signals = 0;
  const forward = (signal) => {
    signals++;
    log(signals === 1 ? `${signal}: stopping the tests, then removing the containers` : `${signal} again: killing the tests`);
    child.kill(signals === 1 ? signal : "SIGKILL");
  };
  process.on("SIGINT", forward);
  process.on("SIGTERM", forward);
  return new Promise((resolve) => {
    child.once("exit", (code, signal) => {
      process.off("SIGINT", forward);
      process.off("SIGTERM", forward);
      resolve({ code: code ?? 1, signal, interrupted: signals > 0 });
    });
  });
}

async function existingDockerApi() {
  if (process.env.TARTAPE_PODMAN === "1") return undefined;
  const candidate = process.env.DOCKER_HOST || (fs.existsSync(DEFAULT_SOCKET) ? `unix://${DEFAULT_SOCKET}` : undefined);
  return candidate && (await answers(candidate)) ? candidate : undefined;
}

async function main() {
  const filters = process.argv.slice(2);
  const integration = await import(pathToFileURL(path.join(dist, "index.js")).href);
  const { imageFor } = await import(pathToFileURL(path.join(dist, "containers", "images.js")).href);
  const images = { minio: imageFor("minio"), azurite: imageFor("azurite"), fakeGcs: imageFor("fakeGcs") };
  const env = { ...process.env, TARTAPE_SERVERS: "containers", TESTCONTAINERS_RYUK_DISABLED: "true", TARTAPE_CONTAINER_RUN: RUN_ID };
  const timings = [];
  let dockerHost = await existingDockerApi();
  let service;
  let podman;
  let result = { code: 1, interrupted: false };
  let leftover = -1;
  try {
    if (dockerHost) {
      log(`using the Docker API at ${dockerHost}; the tests pull ${Object.values(images).join(", ")}`);
    } else {
      let t = Date.now();
      installPodman();
      const state = stateDir();
      service = await startPodmanService(state);
      dockerHost = service.dockerHost;
      podman = podmanRunner(state);
      timings.push(`podman ready ${seconds(t)}`);
      log(`podman ${podman(["--version"], { encoding: "utf8" }).stdout.trim().replace(/^podman version /, "")} serves the Docker API at ${dockerHost}`);
      // Ryuk cannot be pulled (no registry), and the host must be loopback, not the podman bridge.
      Object.assign(env, { DOCKER_HOST: dockerHost, TESTCONTAINERS_HOST_OVERRIDE: "127.0.0.1" });
      t = Date.now();
      await integration.ensureServerBinaries();
      const azuriteVersion = /:(\d+\.\d+\.\d+)$/.exec(images.azurite)?.[1];
      if (!azuriteVersion) throw new Error(`cannot tell the Azurite version to build from the image name ${images.azurite}`);
      const cache = path.join(integration.cacheDir(), "container-images");
      buildLocalImages({ podman, binDir: integration.binDir(), cache, images: { ...images, azuriteVersion }, log });
      timings.push(`images ${seconds(t)}`);
    }
    const before = await removeLeftContainers(dockerHost);
    if (before > 0) log(`removed ${before} container(s) an earlier run left`);
    const t = Date.now();
    result = await runVitest(env, filters);
    timings.push(`tests ${seconds(t)}`);
  } finally {
    if (dockerHost) {
      const removed = await removeLeftContainers(dockerHost).catch((err) => {
        log(`could not remove the test containers: ${err.message}`);
        return 0;
      });
      if (removed > 0) log(`removed ${removed} container(s) the tests left${result.interrupted ? " (interrupted run)" : ""}`);
      leftover = (await containersToRemove(dockerHost).catch(() => [null])).length;
    }
    if (podman) {
      // The same check, as podman itself sees it.
      const ps = podman(["ps", "--all", "--quiet", "--filter", `label=tartape.run=${RUN_ID}`], { encoding: "utf8" });
      leftover = Math.max(leftover, ps.status === 0 ? ps.stdout.split("\n").filter(Boolean).length : 1);
    }
    if (service) await service.stop();
  }
  const left = leftover === 0 ? "no container left" : `${leftover} container(s) LEFT`;
  process.stdout.write(`\ncontainer tests: vitest exit ${result.code}, ${left}; ${[...timings, `total ${seconds(started)}`].join(", ")}\n`);
  process.exit(result.code !== 0 ? result.code : leftover === 0 ? 0 : 1);
}

main().catch((err) => {
  log(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
