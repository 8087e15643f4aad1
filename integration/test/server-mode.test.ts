/** How the server mode is chosen: TARTAPE_SERVERS first, else whether a Docker API answers. */
import { describe, expect, it } from "vitest";
import { chooseServerMode, ServerModeError, type ModeInputs } from "../src/server-mode.js";

function inputs(overrides: Partial<ModeInputs>): ModeInputs {
  return {
    requested: undefined,
    dockerHost: undefined,
    defaultSocketExists: false,
    probe: () => Promise.reject(new Error("probe must not be called")),
    ...overrides,
  };
}

describe("chooseServerMode", () => {
  it("obeys TARTAPE_SERVERS without asking Docker", async () => {
    expect(await chooseServerMode(inputs({ requested: "containers" }))).toEqual({ mode: "containers", reason: "TARTAPE_SERVERS=containers" });
    expect((await chooseServerMode(inputs({ requested: " Processes ", dockerHost: "unix:///x.sock" }))).mode).toBe("processes");
  });

  it("refuses another TARTAPE_SERVERS value, saying what to set", async () => {
    const error = await chooseServerMode(inputs({ requested: "docker" })).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ServerModeError);
    expect((error as ServerModeError).message).toContain("TARTAPE_SERVERS='docker' is not a server mode: set it to 'containers' or 'processes'");
  });

  it("runs processes when there is neither DOCKER_HOST nor the default socket", async () => {
    const choice = await chooseServerMode(inputs({}));
    expect(choice.mode).toBe("processes");
    expect(choice.reason).toContain("DOCKER_HOST is unset and /var/run/docker.sock does not exist");
  });

  it("runs containers when the Docker API answers, and processes (saying why) when it does not", async () => {
    const up = await chooseServerMode(inputs({ defaultSocketExists: true, probe: async () => "at unix:///var/run/docker.sock" }));
    expect(up).toEqual({ mode: "containers", reason: "Docker API at unix:///var/run/docker.sock" });
    const down = await chooseServerMode(inputs({ dockerHost: "tcp://10.0.0.9:2375", probe: () => Promise.reject(new Error("connect ECONNREFUSED")) }));
    expect(down.mode).toBe("processes");
    expect(down.reason).toBe("no Docker API answers at DOCKER_HOST=tcp://10.0.0.9:2375: connect ECONNREFUSED");
  });
});
