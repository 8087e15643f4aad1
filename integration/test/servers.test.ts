/**
 * The test servers themselves: each one starts, serves a real SDK round trip, stops, and
 * releases its port and data; the fault proxy injects what it is told and stays transparent
 * (SigV4 included) otherwise; the exit hooks never leak a server.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { BlobServiceClient, StorageRetryPolicyType } from "@azure/storage-blob";
import { Storage } from "@google-cloud/storage";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  freePort,
  gcsClientOptions,
  isPortFree,
  launchServer,
  s3ClientConfig,
  ServerStartError,
  startAzurite,
  startFakeGcs,
  startFaultProxy,
  startMinio,
  type AzuriteServer,
  type FakeGcsServer,
  type FaultProxy,
  type MinioServer,
} from "../src/index.js";
import { removeOrphanedTempDirs } from "../src/cleanup.js";
import { PINNED_IMAGES } from "../src/containers/images.js";
import { containerExists, removeOrphanedContainers } from "../src/containers/runtime.js";
import { serverModeChoice } from "../src/server-mode.js";

function portOf(endpoint: string): number {
  return Number(new URL(endpoint).port);
}

async function expectStoppedAndFreed(
  server: { stop(): Promise<void>; external: boolean; dataDir: string | undefined; container?: { id: string } },
  endpoint: string,
): Promise<void> {
  const { dataDir, container } = server;
  if (container) expect(await containerExists(container.id)).toBe(true);
  else if (!server.external) expect(dataDir && existsSync(dataDir)).toBe(true);
  await server.stop();
  await server.stop(); // idempotent
  if (server.external) return;
  expect(await isPortFree(portOf(endpoint))).toBe(true);
  if (container) expect(await containerExists(container.id)).toBe(false);
  else expect(existsSync(dataDir!)).toBe(false);
}

describe("ports", () => {
  it("freePort returns a bindable loopback port", async () => {
    const port = await freePort();
    expect(port).toBeGreaterThan(0);
    expect(await isPortFree(port)).toBe(true);
  });
});

describe("launchServer", () => {
  it("reports which server died, its address and its last output", async () => {
    const port = await freePort();
    const error = await launchServer("crashy", async () => ({
      command: process.execPath,
      args: ["-e", "console.log('starting'); console.error('fatal: config is broken'); process.exit(3)"],
      address: `127.0.0.1:${port}`,
      readyUrl: `http://127.0.0.1:${port}/`,
    })).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ServerStartError);
    const message = (error as ServerStartError).message;
    expect(message).toContain(`crashy (127.0.0.1:${port}) exited with code 3 before becoming ready`);
    expect(message).toContain("fatal: config is broken");
  });

  it("times out with the health URL and last result in the message", async () => {
    const port = await freePort();
    const error = await launchServer(
      "sleepy",
      async () => ({
        command: process.execPath,
        args: ["-e", "console.error('still thinking'); setTimeout(() => {}, 60000)"],
        address: `127.0.0.1:${port}`,
        readyUrl: `http://127.0.0.1:${port}/health`,
      }),
      { timeoutMs: 1500 },
    ).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ServerStartError);
    const message = (error as ServerStartError).message;
    expect(message).toMatch(/did not become ready within 2 s \(GET http:\/\/127\.0\.0\.1:\d+\/health: .*ECONNREFUSED/);
    expect(message).toContain("still thinking");
  });
});

describe("MinIO", () => {
  let minio: MinioServer;
  let proxy: FaultProxy;
  const bucket = "servers-test";

  beforeAll(async () => {
    minio = await startMinio();
    proxy = await startFaultProxy(minio.endpoint);
    await new S3Client(s3ClientConfig(minio)).send(new CreateBucketCommand({ Bucket: bucket }));
  });
  afterAll(async () => {
    await proxy?.stop();
    await minio?.stop();
  });

  async function roundTrip(client: S3Client, key: string): Promise<void> {
    const body = randomBytes(300 * 1024);
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
    const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(body)).toBe(true);
  }

  it("runs as a process or in a container of the pinned image, as the server mode says", async () => {
    if (minio.external) return;
    const { mode } = await serverModeChoice();
    const requested = process.env["TARTAPE_SERVERS"];
    if (requested) expect(mode).toBe(requested);
    if (mode === "containers") {
      expect(minio.container?.image).toBe(process.env["TARTAPE_MINIO_IMAGE"] || PINNED_IMAGES.minio);
      expect(await containerExists(minio.container!.id)).toBe(true);
      expect(minio.dataDir).toBeUndefined();
    } else {
      expect(minio.container).toBeUndefined();
      expect(minio.dataDir && existsSync(minio.dataDir)).toBe(true);
    }
  });

  it("puts and gets an object directly", async () => {
    await roundTrip(new S3Client(s3ClientConfig(minio)), "direct.bin");
  });

  it("passes signed requests through the proxy unchanged and the SDK retries a 503 and a reset", async () => {
    const client = new S3Client({ ...s3ClientConfig(minio), endpoint: proxy.endpoint, maxAttempts: 3 });
    proxy.resetStats();
    // 1st PUT → 503; 2nd PUT (the SDK's retry) → reset halfway through the body; 3rd PUT goes through.
    proxy.setFaults([
      { action: "status", status: 503, method: "PUT", everyNth: 1, limit: 1 },
      { action: "reset", method: "PUT", everyNth: 2, limit: 1 },
    ]);
    await roundTrip(client, "via-proxy.bin");
    expect(proxy.stats.faults).toEqual({ status: 1, reset: 1, down: 0, flip: 0 });
    expect(proxy.stats.requests).toBe(4); // 3 PUT attempts + 1 GET
    expect(proxy.stats.forwarded).toBe(2);
    expect(proxy.stats.upstreamErrors).toBe(0);
  });

  it("flips one byte of a response body by rule, and counts the response bytes it passes back", async () => {
    const direct = new S3Client(s3ClientConfig(minio));
    const client = new S3Client({ ...s3ClientConfig(minio), endpoint: proxy.endpoint, maxAttempts: 1, responseChecksumValidation: "WHEN_REQUIRED" });
    const body = randomBytes(100 * 1024);
    await direct.send(new PutObjectCommand({ Bucket: bucket, Key: "flip.bin", Body: body }));
    proxy.resetStats();
    proxy.setFaults([{ action: "flip", method: "GET", atByte: 70_000, everyNth: 1, limit: 1 }]);
    const read = async () => Buffer.from(await (await client.send(new GetObjectCommand({ Bucket: bucket, Key: "flip.bin" }))).Body!.transformToByteArray());
    const flipped = await read();
    expect(flipped.length).toBe(body.length);
    const differing = [...flipped.keys()].filter((i) => flipped[i] !== body[i]);
    expect(differing).toEqual([70_000]);
    expect(flipped[70_000]).toBe(body[70_000]! ^ 0xff);
    expect((await read()).equals(body)).toBe(true);
    expect(proxy.stats.faults.flip).toBe(1);
    expect(proxy.stats.responseBytes).toBe(2 * body.length);
    proxy.clearFaults();
  });

  it("streams multi-MiB parts through the proxy and survives a reset in the middle of one", async () => {
    const client = new S3Client({ ...s3ClientConfig(minio), endpoint: proxy.endpoint, maxAttempts: 3 });
    const key = "multipart.bin";
    const parts = [randomBytes(6 * 1024 * 1024), randomBytes(1024 * 1024)];
    const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }));
    proxy.resetStats();
    // Cut the first part's upload after 3 MiB of its body.
    proxy.setFaults([{ action: "reset", pathPattern: /partNumber=1/, afterBytes: 3 * 1024 * 1024, limit: 1 }]);
    const etags: string[] = [];
    for (const [i, part] of parts.entries()) {
      const { ETag } = await client.send(
        new UploadPartCommand({ Bucket: bucket, Key: key, UploadId, PartNumber: i + 1, Body: part }),
      );
      etags.push(ETag!);
    }
    proxy.clearFaults();
    await client.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: key,
        UploadId,
        MultipartUpload: { Parts: etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) },
      }),
    );
    expect(proxy.stats.faults.reset).toBe(1);
    const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(Buffer.concat(parts))).toBe(true);
  });

  it("filters faults by path and counts every Nth matching request", async () => {
    const client = new S3Client({ ...s3ClientConfig(minio), endpoint: proxy.endpoint, maxAttempts: 1 });
    proxy.resetStats();
    proxy.setFaults([{ action: "status", status: 500, pathPattern: /\/odd-/, everyNth: 2 }]);
    const put = (key: string) => client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: "x" }));
    await put("odd-1");
    await expect(put("odd-2")).rejects.toMatchObject({ $metadata: { httpStatusCode: 500 }, name: "InternalError" });
    await put("even-1");
    await put("odd-3");
    await expect(put("odd-4")).rejects.toMatchObject({ $metadata: { httpStatusCode: 500 } });
    expect(proxy.stats.faults.status).toBe(2);
    proxy.clearFaults();
  });

  it("refuses everything while down and recovers when the rules are cleared", async () => {
    const client = new S3Client({ ...s3ClientConfig(minio), endpoint: proxy.endpoint, maxAttempts: 2 });
    proxy.resetStats();
    proxy.setFaults([{ action: "down" }]);
    await expect(client.send(new GetObjectCommand({ Bucket: bucket, Key: "direct.bin" }))).rejects.toMatchObject({
      code: expect.stringMatching(/ECONNRESET|EPIPE/),
    });
    expect(proxy.stats.faults.down).toBe(2);
    expect(proxy.stats.forwarded).toBe(0);
    proxy.setFaults([]);
    await roundTrip(client, "after-down.bin");
  });

  it("answers 502 with an S3-style error when the upstream is unreachable", async () => {
    const dead = await startFaultProxy(`http://127.0.0.1:${await freePort()}`);
    try {
      const client = new S3Client({ ...s3ClientConfig(minio), endpoint: dead.endpoint, maxAttempts: 1 });
      await expect(client.send(new GetObjectCommand({ Bucket: bucket, Key: "x" }))).rejects.toMatchObject({
        $metadata: { httpStatusCode: 502 },
        name: "BadGateway",
      });
      expect(dead.stats.upstreamErrors).toBe(1);
    } finally {
      await dead.stop();
    }
  });

  it("stops, frees its port and deletes its data", async () => {
    await proxy.stop();
    await expectStoppedAndFreed(minio, minio.endpoint);
  });
});

describe("Azurite", () => {
  let azurite: AzuriteServer;

  beforeAll(async () => {
    azurite = await startAzurite();
  });
  afterAll(async () => {
    await azurite?.stop();
  });

  it("uploads blocks, commits them and downloads the blob", async () => {
    const service = BlobServiceClient.fromConnectionString(azurite.connectionString);
    const container = service.getContainerClient("servers-test");
    await container.createIfNotExists();
    const blob = container.getBlockBlobClient("tape.tar");
    const parts = [randomBytes(200 * 1024), randomBytes(100 * 1024)];
    const ids = parts.map((_, i) => Buffer.from(`block-${String(i).padStart(6, "0")}`).toString("base64"));
    for (const [i, part] of parts.entries()) await blob.stageBlock(ids[i]!, part, part.length);
    await blob.commitBlockList(ids);
    expect((await blob.downloadToBuffer()).equals(Buffer.concat(parts))).toBe(true);
  });

  it("works through the fault proxy, retrying a 503 and a reset", async () => {
    const proxy = await startFaultProxy(azurite.blobEndpoint);
    try {
      const endpoint = `${proxy.endpoint}${new URL(azurite.blobEndpoint).pathname}`;
      const connectionString = azurite.connectionString.replace(azurite.blobEndpoint, endpoint);
      const service = BlobServiceClient.fromConnectionString(connectionString, {
        retryOptions: { retryPolicyType: StorageRetryPolicyType.FIXED, maxTries: 3, retryDelayInMs: 50 },
      });
      const blob = service.getContainerClient("servers-test").getBlockBlobClient("proxied.bin");
      const body = randomBytes(64 * 1024);
      proxy.setFaults([
        { action: "status", status: 503, method: "PUT", everyNth: 1, limit: 1 },
        { action: "reset", method: "PUT", everyNth: 2, limit: 1 },
      ]);
      await blob.upload(body, body.length);
      expect(proxy.stats.faults).toEqual({ status: 1, reset: 1, down: 0, flip: 0 });
      expect((await blob.downloadToBuffer()).equals(body)).toBe(true);
    } finally {
      await proxy.stop();
    }
  });

  it("stops, frees its port and deletes its data", async () => {
    await expectStoppedAndFreed(azurite, azurite.blobEndpoint);
  });
});

describe("fake-gcs-server", () => {
  let gcs: FakeGcsServer;

  beforeAll(async () => {
    gcs = await startFakeGcs();
  });
  afterAll(async () => {
    await gcs?.stop();
  });

  it("creates a bucket, uploads (simple and resumable), composes and downloads", async () => {
    const storage = new Storage(gcsClientOptions(gcs.endpoint));
    const [bucket] = await storage.createBucket("servers-test");
    const a = randomBytes(256 * 1024);
    const b = randomBytes(100 * 1024);
    await bucket.file("part-a").save(a, { resumable: false });
    await bucket.file("part-b").save(b, { resumable: true });
    await bucket.combine(["part-a", "part-b"], "whole");
    const [whole] = await bucket.file("whole").download();
    expect(whole.equals(Buffer.concat([a, b]))).toBe(true);
  });

  it("answers JSON-API requests through the fault proxy with a JSON 503 the client retries", async () => {
    const proxy = await startFaultProxy(gcs.endpoint);
    try {
      const storage = new Storage(gcsClientOptions(proxy.endpoint));
      proxy.setFaults([{ action: "status", status: 503, method: "GET", everyNth: 1, limit: 1 }]);
      // Not a media download: with a retried *streaming* download, teeny-request 11.1.1 raises an
      // unhandled ERR_STREAM_UNABLE_TO_PIPE (googleapis/google-cloud-node#8670), unrelated to the proxy.
      const [metadata] = await storage.bucket("servers-test").file("whole").getMetadata();
      expect(Number(metadata.size)).toBe(356 * 1024);
      expect(proxy.stats.faults.status).toBe(1);
      expect(proxy.stats.forwarded).toBe(1);
    } finally {
      await proxy.stop();
    }
  });

  it("stops, frees its port and deletes its data", async () => {
    await expectStoppedAndFreed(gcs, gcs.endpoint);
  });
});

describe("leak protection", () => {
  // The child runs the built module (plain node cannot import the .ts sources).
  const indexJs = fileURLToPath(new URL("../dist/src/index.js", import.meta.url));
  const external = Boolean(process.env["TARTAPE_GCS_ENDPOINT"]);
  let inContainers = false;

  beforeAll(async () => {
    if (!existsSync(indexJs)) throw new Error(`${indexJs} is missing: run 'npx tsc -b integration' first`);
    inContainers = (await serverModeChoice()).mode === "containers";
  });

  interface ChildServer {
    endpoint: string;
    /** The process's data dir, or "-" in a container. */
    dataDir: string;
    /** The container's id, or "-" for a process. */
    containerId: string;
    child: ReturnType<typeof spawn>;
    exited: Promise<unknown>;
  }

  /** Runs a child that starts fake-gcs-server and reports its endpoint; `then` decides how the child ends. */
  async function childWithServer(then: "exit" | "hang", env: NodeJS.ProcessEnv = process.env): Promise<ChildServer> {
    const script = `
      const { startFakeGcs } = await import(${JSON.stringify(indexJs)});
      const gcs = await startFakeGcs();
      console.log([gcs.endpoint, gcs.dataDir ?? "-", gcs.container?.id ?? "-"].join(" "));
      ${then === "exit" ? "process.exit(0);" : "setInterval(() => {}, 1000);"}
    `;
    const child = spawn(process.execPath, ["--input-type=module", "-e", script], { env, stdio: ["ignore", "pipe", "inherit"] });
    const exited = new Promise((resolve) => child.once("exit", resolve));
    const line = await new Promise<string>((resolve, reject) => {
      let out = "";
      child.stdout!.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        const line = out.split("\n")[0];
        if (out.includes("\n") && line) resolve(line.trim());
      });
      child.once("exit", (code) => reject(new Error(`child exited (${code}) before printing an endpoint: ${out}`)));
    });
    const [endpoint = "", dataDir = "", containerId = ""] = line.split(" ");
    return { endpoint, dataDir, containerId, child, exited };
  }

  async function waitForPortFree(port: number): Promise<boolean> {
    for (let i = 0; i < 50; i++) {
      if (await isPortFree(port)) return true;
      await new Promise((r) => setTimeout(r, 100));
    }
    return false;
  }

  /** The server's data is gone: its dir for a process, the container itself in container mode. */
  async function expectDataGone(server: ChildServer): Promise<void> {
    if (inContainers) expect(await containerExists(server.containerId)).toBe(false);
    else expect(existsSync(server.dataDir)).toBe(false);
  }

  it.skipIf(external)(
    "kills servers when the owning process exits without stopping them",
    async () => {
      // Parent-death signal off, so this checks the exit hook alone.
      const server = await childWithServer("exit", { ...process.env, TARTAPE_PDEATHSIG: "0" });
      await server.exited;
      expect(await waitForPortFree(portOf(server.endpoint))).toBe(true);
      await expectDataGone(server);
    },
  );

  it.skipIf(external || process.platform !== "linux")(
    "kills servers when the owning process is SIGKILLed (parent-death signal; in containers, the next start's sweep)",
    async () => {
      const server = await childWithServer("hang");
      server.child.kill("SIGKILL");
      await server.exited;
      if (inContainers) {
        // No hook ran and no kernel signal reaches a container: it is orphaned until a process
        // of this host starts a container and sweeps the ones whose owner is dead.
        expect(await containerExists(server.containerId)).toBe(true);
        expect(await removeOrphanedContainers()).toContain(server.containerId);
      } else {
        // No hook ran, so the data dir is orphaned; the next process to start a server sweeps it.
        expect(await waitForPortFree(portOf(server.endpoint))).toBe(true);
        expect(existsSync(server.dataDir)).toBe(true);
        removeOrphanedTempDirs();
      }
      expect(await waitForPortFree(portOf(server.endpoint))).toBe(true);
      await expectDataGone(server);
    },
  );

  it.skipIf(external)(
    "kills servers when the owning process gets SIGTERM",
    async () => {
      const server = await childWithServer("hang", { ...process.env, TARTAPE_PDEATHSIG: "0" });
      server.child.kill("SIGTERM");
      await server.exited;
      expect(await waitForPortFree(portOf(server.endpoint))).toBe(true);
      await expectDataGone(server);
    },
  );
});
