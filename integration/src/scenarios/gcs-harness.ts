/**
 * The scenario harness for the GCS target, against fake-gcs-server (or the
 * emulator at TARTAPE_GCS_ENDPOINT). One bucket holds every key; a fault proxy
 * sits in front of the JSON API for the fault scenarios. The "server down"
 * target points at a loopback port nothing listens on. fake-gcs-server has no
 * authentication, so there are no credentials to get wrong.
 */
import { randomBytes } from "node:crypto";
import { Storage, type Bucket } from "@google-cloud/storage";
import type { Target } from "@tartape/core";
import { GCS_LIMITS, gcsTarget, temporaryRoot } from "@tartape/gcs";
import { freePort, gcsClientOptions, startFakeGcs, startFaultProxy, type FakeGcsServer, type FaultProxy } from "../index.js";
import type { BadTarget, CliDestination, FaultControl, MakeTargetOptions, TargetHarness } from "./harness.js";
import { ProxyFaults } from "./proxy-faults.js";

const BUCKET = "tartape-scenarios";
const EXTERNAL_ENDPOINT_ENV = "TARTAPE_GCS_ENDPOINT";

/** The fault proxy speaks plain HTTP; an external https emulator cannot be put behind it. */
function externalEndpointIsHttps(): boolean {
  return process.env[EXTERNAL_ENDPOINT_ENV]?.startsWith("https:") ?? false;
}

interface Running {
  readonly gcs: FakeGcsServer;
  readonly proxy: FaultProxy | null;
  readonly bucket: Bucket;
  /** A loopback port nothing listens on: the "server down" endpoint. */
  readonly downPort: number;
}

/** Part uploads are JSON API media uploads (POST /upload/storage/v1/b/<bucket>/o); compose, list and delete stay clean. */
const PART_UPLOADS = { method: "POST", pathPattern: /^\/upload\/storage\/v1\/b\/[^/]+\/o\?/ };

class GcsHarness implements TargetHarness {
  readonly name = "gcs";
  /** tartape's floor for GCS parts (the service itself takes any size; see GCS_LIMITS). */
  readonly minPartSize = GCS_LIMITS.minPartSize;
  readonly faults: FaultControl | null = externalEndpointIsHttps() ? null : new ProxyFaults(() => this.proxy(), PART_UPLOADS);
  private running: Running | null = null;
  private keys = 0;
  private readonly runTag = randomBytes(3).toString("hex");

  async setup(): Promise<void> {
    const gcs = await startFakeGcs();
    let proxy: FaultProxy | null = null;
    try {
      const bucket = new Storage({ ...gcsClientOptions(gcs.endpoint), retryOptions: { autoRetry: false } }).bucket(BUCKET);
      const [exists] = await bucket.exists();
      if (!exists) await bucket.create();
      if (this.faults !== null) proxy = await startFaultProxy(gcs.endpoint);
      this.running = { gcs, proxy, bucket, downPort: await freePort() };
    } catch (err) {
      await proxy?.stop();
      await gcs.stop();
      throw err;
    }
  }

  async teardown(): Promise<void> {
    const running = this.running;
    this.running = null;
    if (!running) return;
    try {
      await running.proxy?.stop();
    } finally {
      await running.gcs.stop();
    }
  }

  private state(): Running {
    if (this.running === null) throw new Error("The GCS harness is used before setup() or after teardown().");
    return this.running;
  }

  private proxy(): FaultProxy {
    const { proxy } = this.state();
    if (proxy === null) throw new Error("No fault proxy: the GCS emulator in use is reached over https, which the proxy cannot front.");
    return proxy;
  }

  private endpoint(options: { viaProxy?: boolean | undefined } = {}): string {
    return options.viaProxy ? this.proxy().endpoint : this.state().gcs.endpoint;
  }

  freshKey(label: string): string {
    return `${label.replace(/[^A-Za-z0-9-]/g, "-")}/${this.runTag}-${++this.keys}.tar`;
  }

  makeTarget(key: string, options: MakeTargetOptions = {}): Target {
    return gcsTarget({
      bucket: BUCKET,
      key,
      apiEndpoint: this.endpoint({ viaProxy: options.viaProxy }),
      ...(options.partSize !== undefined ? { partSize: options.partSize } : {}),
      ...(options.limits ? { limits: options.limits } : {}),
    });
  }

  async readObject(key: string): Promise<Buffer | null> {
    try {
      const [bytes] = await this.state().bucket.file(key).download();
      return bytes;
    } catch (err) {
      if ((err as { code?: unknown }).code === 404) return null;
      throw err;
    }
  }

  /** Temporary objects (parts, intermediates) of any tape uploaded to this key. */
  async leftovers(key: string): Promise<string[]> {
    const [files] = await this.state().bucket.getFiles({ prefix: temporaryRoot(key) });
    return files.map((file) => file.name);
  }

  cli(key: string, options: { viaProxy?: boolean } = {}): CliDestination {
    return { url: `gs://${BUCKET}/${key}`, args: ["--endpoint", this.endpoint(options)], env: {} };
  }

  badTargets(): { missingContainer: BadTarget; wrongCredentials: BadTarget | null; serverDown: BadTarget } {
    const { gcs, downPort } = this.state();
    const missing = `tartape-missing-${this.runTag}`;
    const down = `http://127.0.0.1:${downPort}`;
    return {
      missingContainer: { target: gcsTarget({ bucket: missing, key: "x.tar", apiEndpoint: gcs.endpoint }), messageIncludes: `Bucket '${missing}' does not exist` },
      wrongCredentials: null,
      serverDown: { target: gcsTarget({ bucket: BUCKET, key: "x.tar", apiEndpoint: down }), messageIncludes: `127.0.0.1:${downPort}` },
    };
  }
}

export function gcsHarness(): TargetHarness {
  return new GcsHarness();
}
