/**
 * The plumbing the S3, Azure and GCS harnesses share: one server, the fault
 * proxy in front of it and the harness's own client, started together (and
 * rolled back together when a step fails) and stopped together.
 */
import { freePort, startFaultProxy, type FaultProxy } from "../index.js";
import type { FaultControl } from "./harness.js";
import { ProxyFaults } from "./proxy-faults.js";

/** What one kind of server brings to the shared plumbing. */
export interface ServerSpec<S extends { stop(): Promise<void> }, C> {
  /** "S3", "Azure", "GCS": names the harness in messages. */
  readonly label: string;
  /** What is reached over https when there is no proxy, e.g. "the S3 endpoint in use". */
  readonly remote: string;
  start(): Promise<S>;
  /** The origin the proxy forwards to; endpoint() gives it when a target does not go through the proxy. */
  endpoint(server: S): string;
  /** The harness's own client, for reading objects and listing leftovers. */
  connect(server: S): C;
  /** Makes the bucket or container exist (keeping one that does). */
  prepare(client: C): Promise<void>;
  /** Frees what the client holds (sockets), for clients that must be told. */
  release?(client: C): void;
}

export interface Served<S, C> {
  readonly server: S;
  readonly proxy: FaultProxy | null;
  readonly client: C;
  /** A loopback port nothing listens on: the "server down" endpoint. */
  readonly downPort: number;
}

export class ServedServer<S extends { stop(): Promise<void> }, C> {
  private running: Served<S, C> | null = null;

  /** `proxied`: put a fault proxy in front (it speaks plain HTTP, so not for an https endpoint). */
  constructor(
    private readonly spec: ServerSpec<S, C>,
    readonly proxied: boolean,
  ) {}

  /** The harness's FaultControl: over the proxy, or null when there is none. */
  faults(
    partUploads: { readonly method: string; readonly pathPattern: RegExp },
    finalStep?: { readonly method: string; readonly pathPattern: RegExp },
    contentRead?: (lastSegment: string) => RegExp,
  ): FaultControl | null {
    return this.proxied ? new ProxyFaults(() => this.proxy(), partUploads, finalStep, contentRead) : null;
  }

  async start(): Promise<void> {
    const server = await this.spec.start();
    let client: C | undefined;
    let proxy: FaultProxy | null = null;
    try {
      client = this.spec.connect(server);
      await this.spec.prepare(client);
      if (this.proxied) proxy = await startFaultProxy(this.spec.endpoint(server));
      this.running = { server, proxy, client, downPort: await freePort() };
    } catch (err) {
      if (client !== undefined) this.spec.release?.(client);
      await proxy?.stop();
      await server.stop();
      throw err;
    }
  }

  async stop(): Promise<void> {
    const running = this.running;
    this.running = null;
    if (!running) return;
    this.spec.release?.(running.client);
    try {
      await running.proxy?.stop();
    } finally {
      await running.server.stop();
    }
  }

  get(): Served<S, C> {
    if (this.running === null) throw new Error(`The ${this.spec.label} harness is used before setup() or after teardown().`);
    return this.running;
  }

  proxy(): FaultProxy {
    const { proxy } = this.get();
    if (proxy === null) throw new Error(`No fault proxy: ${this.spec.remote} is reached over https, which the proxy cannot front.`);
    return proxy;
  }

  /** Where targets send requests: the proxy, or the server itself. */
  endpoint(options: { viaProxy?: boolean | undefined } = {}): string {
    return options.viaProxy ? this.proxy().endpoint : this.spec.endpoint(this.get().server);
  }
}
