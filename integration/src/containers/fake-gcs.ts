/** fake-gcs-server in a container (a GenericContainer: there is no testcontainers module for it). */
import { request } from "node:http";
import { GenericContainer, Wait } from "testcontainers";
import type { FakeGcsServer } from "../fake-gcs.js";
import { imageFor } from "./images.js";
import { announce, runServerContainer, type RunOptions } from "./run.js";
import { reachableHost } from "./runtime.js";

const PORT = 4443;

export interface FakeGcsContainerOptions extends RunOptions {
  backend?: "filesystem" | "memory" | undefined;
}

/** PUT a JSON body; resolves to the status. */
function putJson(url: string, body: unknown): Promise<number> {
  return new Promise((resolve, reject) => {
    const payload = JSON.stringify(body);
    const req = request(url, { method: "PUT", agent: false, headers: { "content-type": "application/json", "content-length": Buffer.byteLength(payload) } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.once("error", reject);
    req.end(payload);
  });
}

export async function startFakeGcsContainer(options: FakeGcsContainerOptions): Promise<FakeGcsServer> {
  const image = imageFor("fakeGcs");
  const definition = new GenericContainer(image)
    // The official image's entrypoint is `fake-gcs-server -data /data`: these follow it.
    .withCommand(["-scheme", "http", "-port", String(PORT), "-backend", options.backend ?? "filesystem", "-filesystem-root", "/storage", "-log-level", "warn"])
    .withExposedPorts(PORT)
    .withWaitStrategy(Wait.forHttp("/_internal/healthcheck", PORT));
  const running = await runServerContainer("fake-gcs-server", image, definition, options);
  const address = `${reachableHost(running.started.getHost())}:${running.started.getMappedPort(PORT)}`;
  const endpoint = `http://${address}`;
  // The host port is known only now: tell the server, as -external-url and -public-host do for
  // the process (resumable-upload Location headers and public downloads name it).
  try {
    const status = await putJson(`${endpoint}/_internal/config`, { externalUrl: endpoint, publicHost: address });
    if (status !== 200) throw new Error(`PUT /_internal/config answered HTTP ${status}; the image must be fake-gcs-server 1.45 or newer`);
  } catch (err) {
    await running.stop();
    throw new Error(`fake-gcs-server container at ${endpoint}: setting its external URL failed: ${err instanceof Error ? err.message : String(err)}`);
  }
  announce("fake-gcs-server", running.container, endpoint);
  return { endpoint, dataDir: undefined, external: false, container: running.container, stop: running.stop };
}
