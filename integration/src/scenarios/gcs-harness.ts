/**
 * The scenario harness for the GCS target, against fake-gcs-server (or the
 * emulator at TARTAPE_GCS_ENDPOINT). One bucket holds every key; a fault proxy
 * sits in front of the JSON API for the fault scenarios. The "server down"
 * target points at a loopback port nothing listens on. fake-gcs-server has no
 * authentication, so there are no credentials to get wrong.
 */
import { Storage, type Bucket } from "@google-cloud/storage";
import type { Target } from "@tartape/core";
import { GCS_LIMITS, gcsTarget, temporaryRoot } from "@tartape/gcs";
import { gcsClientOptions, startFakeGcs, type FakeGcsServer } from "../index.js";
import type { BadTarget, CliDestination, FaultControl, MakeTargetOptions, TargetHarness } from "./harness.js";
import { ServedServer } from "./served-server.js";
import { FreshKeys } from "./support/keys.js";

const BUCKET = "tartape-scenarios";
const EXTERNAL_ENDPOINT_ENV = "TARTAPE_GCS_ENDPOINT";

/** The fault proxy speaks plain HTTP; an external https emulator cannot be put behind it. */
function externalEndpointIsHttps(): boolean {
  return process.env[EXTERNAL_ENDPOINT_ENV]?.startsWith("https:") ?? false;
}

/** Part uploads are JSON API media uploads (POST /upload/storage/v1/b/<bucket>/o); compose, list and delete stay clean. */
const PART_UPLOADS = { method: "POST", pathPattern: /^\/upload\/storage\/v1\/b\/[^/]+\/o\?/ };

class GcsHarness implements TargetHarness {
  readonly name = "gcs";
  /** tartape's floor for GCS parts (the service itself takes any size; see GCS_LIMITS). */
  readonly minPartSize = GCS_LIMITS.minPartSize;
  private readonly served = new ServedServer<FakeGcsServer, Bucket>(
    {
      label: "GCS",
      remote: "the GCS emulator in use",
      start: () => startFakeGcs(),
      endpoint: (gcs) => gcs.endpoint,
      connect: (gcs) => new Storage({ ...gcsClientOptions(gcs.endpoint), retryOptions: { autoRetry: false } }).bucket(BUCKET),
      prepare: async (bucket) => {
        const [exists] = await bucket.exists();
        if (!exists) await bucket.create();
      },
    },
    !externalEndpointIsHttps(),
  );
  // Media downloads only (alt=media): a metadata GET of the same object answers JSON.
  readonly faults: FaultControl | null = this.served.faults(PART_UPLOADS, (segment) => new RegExp(`(/|%2F)${segment}\\?.*alt=media`));
  private readonly keys = new FreshKeys();

  setup(): Promise<void> {
    return this.served.start();
  }

  teardown(): Promise<void> {
    return this.served.stop();
  }

  freshKey(label: string): string {
    return this.keys.next(label);
  }

  makeTarget(key: string, options: MakeTargetOptions = {}): Target {
    return gcsTarget({
      bucket: BUCKET,
      key,
      apiEndpoint: this.served.endpoint({ viaProxy: options.viaProxy }),
      ...(options.partSize !== undefined ? { partSize: options.partSize } : {}),
      ...(options.limits ? { limits: options.limits } : {}),
    });
  }

  async putObject(key: string, bytes: Buffer): Promise<void> {
    await this.served.get().client.file(key).save(bytes, { resumable: false });
  }

  async readObject(key: string): Promise<Buffer | null> {
    try {
      const [bytes] = await this.served.get().client.file(key).download();
      return bytes;
    } catch (err) {
      if ((err as { code?: unknown }).code === 404) return null;
      throw err;
    }
  }

  async deleteObject(key: string): Promise<void> {
    await this.served.get().client.file(key).delete({ ignoreNotFound: true });
  }

  /** Temporary objects (parts, intermediates) of any tape uploaded to this key. */
  async leftovers(key: string): Promise<string[]> {
    const [files] = await this.served.get().client.getFiles({ prefix: temporaryRoot(key) });
    return files.map((file) => file.name);
  }

  cli(key: string, options: { viaProxy?: boolean } = {}): CliDestination {
    return { url: `gs://${BUCKET}/${key}`, args: ["--endpoint", this.served.endpoint(options)], env: {} };
  }

  badTargets(): { missingContainer: BadTarget; wrongCredentials: BadTarget | null; serverDown: BadTarget } {
    const { server: gcs, downPort } = this.served.get();
    const missing = `tartape-missing-${this.keys.runTag}`;
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
