/**
 * Whether the test servers run as local processes or in containers (testcontainers):
 * TARTAPE_SERVERS=containers|processes decides; unset, containers are used when a Docker API
 * answers (DOCKER_HOST, or the default socket /var/run/docker.sock) and processes otherwise.
 */
import { existsSync } from "node:fs";
import { envVar } from "./env.js";

export type ServerMode = "containers" | "processes";

export const DEFAULT_DOCKER_SOCKET = "/var/run/docker.sock";

/** TARTAPE_SERVERS holds something other than the two modes. */
export class ServerModeError extends Error {
  readonly code = "SERVER_MODE_INVALID";
  constructor(value: string) {
    super(`TARTAPE_SERVERS='${value}' is not a server mode: set it to 'containers' or 'processes', or unset it to choose by whether a Docker API answers.`);
    this.name = "ServerModeError";
  }
}

export interface ServerModeChoice {
  mode: ServerMode;
  /** Why, for the line the tests print: "TARTAPE_SERVERS=containers", "Docker API at unix:///…", "no Docker API: …". */
  reason: string;
}

export interface ModeInputs {
  /** TARTAPE_SERVERS. */
  requested: string | undefined;
  /** DOCKER_HOST. */
  dockerHost: string | undefined;
  defaultSocketExists: boolean;
  /** Asks the Docker API whether it answers; resolves to a description of it or rejects with why not. */
  probe: () => Promise<string>;
}

/** The decision itself, apart from the environment so it can be tested without Docker. */
export async function chooseServerMode(inputs: ModeInputs): Promise<ServerModeChoice> {
  const requested = inputs.requested?.trim().toLowerCase();
  if (requested === "containers" || requested === "processes") return { mode: requested, reason: `TARTAPE_SERVERS=${requested}` };
  if (requested) throw new ServerModeError(inputs.requested!);
  if (!inputs.dockerHost && !inputs.defaultSocketExists) {
    return { mode: "processes", reason: `no Docker API: DOCKER_HOST is unset and ${DEFAULT_DOCKER_SOCKET} does not exist` };
  }
  try {
    return { mode: "containers", reason: `Docker API ${await inputs.probe()}` };
  } catch (err) {
    const where = inputs.dockerHost ? `DOCKER_HOST=${inputs.dockerHost}` : DEFAULT_DOCKER_SOCKET;
    return { mode: "processes", reason: `no Docker API answers at ${where}: ${err instanceof Error ? err.message : String(err)}` };
  }
}

/** Asks testcontainers for its runtime client: the same lookup the containers will use. */
async function probeDockerApi(): Promise<string> {
  const { describeRuntime } = await import("./containers/runtime.js");
  return describeRuntime();
}

let choice: Promise<ServerModeChoice> | undefined;

/** The mode for this process (decided once, then printed once on stderr so test output names it). */
export function serverModeChoice(): Promise<ServerModeChoice> {
  return (choice ??= (async () => {
    const decided = await chooseServerMode({
      requested: envVar("TARTAPE_SERVERS"),
      dockerHost: envVar("DOCKER_HOST"),
      defaultSocketExists: existsSync(DEFAULT_DOCKER_SOCKET),
      probe: probeDockerApi,
    });
    process.stderr.write(`[tartape] test servers run as ${decided.mode} (${decided.reason})\n`);
    return decided;
  })());
}

export async function serverMode(): Promise<ServerMode> {
  return (await serverModeChoice()).mode;
}
