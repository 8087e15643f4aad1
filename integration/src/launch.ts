import { request } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { removeTempDir } from "./cleanup.js";
import { describeExit, superviseProcess, type SupervisedProcess } from "./supervisor.js";

/** A server failed to start: names the server, its address and what it printed last. */
export class ServerStartError extends Error {
  constructor(
    readonly server: string,
    readonly address: string,
    readonly reason: string,
    readonly outputTail: string,
  ) {
    super(
      `${server} (${address}) ${reason}\n` +
        (outputTail.trim()
          ? `--- last lines of ${server} output ---\n${outputTail}\n--- end of ${server} output ---`
          : `(${server} printed nothing)`),
    );
    this.name = "ServerStartError";
  }
}

/** One attempt to start a server; built fresh per attempt so each gets new ports. */
export interface LaunchPlan {
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  /** host:port the server listens on, for messages. */
  address: string;
  /** URL polled until `isReady(status)`. */
  readyUrl: string;
  isReady?: (status: number) => boolean;
}

export interface LaunchOptions {
  /** Per attempt, default 60 s (MinIO's first start on a loaded 2-core runner can be slow). */
  timeoutMs?: number;
  /** Attempts when the port was taken between freePort() and the server's bind. Default 3. */
  attempts?: number;
}

export interface Launched {
  process: SupervisedProcess;
  plan: LaunchPlan;
}

const PORT_TAKEN = /address already in use|EADDRINUSE|port is already in use/i;

/** GET `url` once and return the status code (no keep-alive, so nothing outlives the probe). */
export function probeStatus(url: string, timeoutMs = 2000): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: "GET", agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.once("timeout", () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.once("error", reject);
    req.end();
  });
}

async function waitUntilReady(name: string, proc: SupervisedProcess, plan: LaunchPlan, timeoutMs: number): Promise<void> {
  const isReady = plan.isReady ?? ((status: number) => status >= 200 && status < 300);
  const deadline = Date.now() + timeoutMs;
  let last = "no attempt yet";
  while (Date.now() < deadline) {
    const exit = proc.exitInfo();
    if (exit) throw new ServerStartError(name, plan.address, `${describeExit(exit)} before becoming ready`, proc.outputTail());
    try {
      const status = await probeStatus(plan.readyUrl);
      if (isReady(status)) return;
      last = `HTTP ${status}`;
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    // Wake early if the process dies meanwhile.
    await Promise.race([sleep(100), proc.exited]);
  }
  throw new ServerStartError(
    name,
    plan.address,
    `did not become ready within ${Math.round(timeoutMs / 1000)} s (GET ${plan.readyUrl}: ${last})`,
    proc.outputTail(),
  );
}

/** Starts a server and waits for its health check; never leaves a process behind on failure. */
export async function launchServer(name: string, makePlan: () => Promise<LaunchPlan>, options: LaunchOptions = {}): Promise<Launched> {
  const attempts = options.attempts ?? 3;
  const timeoutMs = options.timeoutMs ?? 60_000;
  for (let attempt = 1; ; attempt++) {
    const plan = await makePlan();
    const proc = superviseProcess(name, plan.command, plan.args, { env: plan.env });
    try {
      await waitUntilReady(name, proc, plan, timeoutMs);
      return { process: proc, plan };
    } catch (err) {
      await proc.stop(1000);
      const portRace = err instanceof ServerStartError && PORT_TAKEN.test(err.outputTail);
      if (!portRace || attempt >= attempts) throw err;
    }
  }
}

/** A launched server that owns its data directory. */
export interface LaunchedWithDir {
  plan: LaunchPlan;
  /** Ends the process, then deletes the directory. Idempotent. */
  stop(): Promise<void>;
}

/**
 * launchServer for a server whose data lives in `dir` (from makeTempDir): the directory is
 * deleted when the start fails, and by stop() once the process is gone.
 */
export async function launchWithDataDir(
  name: string,
  dir: string,
  makePlan: () => Promise<LaunchPlan>,
  options: LaunchOptions = {},
): Promise<LaunchedWithDir> {
  try {
    const { process: proc, plan } = await launchServer(name, makePlan, options);
    let stopping: Promise<void> | undefined;
    return {
      plan,
      stop: () =>
        (stopping ??= (async () => {
          await proc.stop();
          await removeTempDir(dir);
        })()),
    };
  } catch (err) {
    await removeTempDir(dir);
    throw err;
  }
}
