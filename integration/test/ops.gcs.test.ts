/** GCS object options with the CLI against a real fake-gcs-server: storage class, metadata and content type read back; a resume with others refused. */
import fs from "node:fs";
import { Storage } from "@google-cloud/storage";
import { uploadTape } from "@tartape/core";
import { gcsTarget } from "@tartape/gcs";
import { describe, expect, it } from "vitest";
import { gcsClientOptions } from "../src/index.js";
import { gcsHarness } from "../src/scenarios/gcs-harness.js";
import { runCli } from "../src/scenarios/support/cli-process.js";
import { useHarnesses } from "../src/scenarios/support/harness-hooks.js";
import { Scratch } from "../src/scenarios/support/scratch.js";
import { singleFileTree } from "../src/scenarios/support/trees.js";

const harness = gcsHarness();
const scratch = new Scratch();
const MiB = 1024 * 1024;

useHarnesses(scratch, "ops-gcs", harness);

function tree(label: string, size: number): string {
  const dir = scratch.dir(label);
  singleFileTree(dir, size);
  return dir;
}

async function metadataOf(url: string, endpoint: string): Promise<Record<string, unknown>> {
  const { host: bucket, pathname } = new URL(url);
  const storage = new Storage(gcsClientOptions(endpoint));
  const [metadata] = await storage.bucket(bucket).file(pathname.slice(1)).getMetadata();
  return metadata as Record<string, unknown>;
}

describe("GCS object options", () => {
  it("storage class, metadata and content type are set on the composed object and read back", async () => {
    const dir = tree("gcs-options", 2 * MiB);
    const { url, args, env } = harness.cli("options/tape.tar");
    const run = await runCli(["upload", dir, url, ...args, "--part-size", "512KiB", "--storage-class", "nearline", "--metadata", "owner=ops", "--content-type", "application/octet-stream"], env);
    expect(run.code, run.stderr).toBe(0);
    const metadata = await metadataOf(url, args[1]!);
    expect(metadata.storageClass).toBe("NEARLINE");
    expect(metadata.contentType).toBe("application/octet-stream");
    expect(metadata.metadata).toMatchObject({ owner: "ops", "tartape-fingerprint": expect.any(String) });
  });

  it("--kms-key-name goes with the compose that makes the object (fake-gcs-server ignores it: the request is checked)", async () => {
    const dir = tree("gcs-kms", 1 * MiB);
    const { url, args } = harness.cli("kms/tape.tar");
    const storage = new Storage({ ...gcsClientOptions(args[1]!), retryOptions: { autoRetry: false } });
    const requests: Array<{ method?: string; uri?: string; qs?: Record<string, unknown> }> = [];
    storage.interceptors.push({
      request: (options) => {
        requests.push(options as (typeof requests)[number]);
        // Passed on unchanged: the request goes to fake-gcs-server as it would to Google.
        return options as never;
      },
    });
    const kmsKeyName = "projects/p/locations/global/keyRings/r/cryptoKeys/k";
    const { host: bucket, pathname } = new URL(url);
    await uploadTape(dir, gcsTarget({ bucket, key: pathname.slice(1), storage, kmsKeyName, partSize: 256 * 1024 }));
    const composes = requests.filter((r) => r.method === "POST" && r.uri?.endsWith("/compose"));
    expect(composes.length).toBe(1);
    expect(composes[0]!.uri).toContain("/o/kms%2Ftape.tar/compose");
    expect(composes[0]!.qs).toEqual({ kmsKeyName });
  });

  it("a resume with another storage class is refused naming the flag that continues it", async () => {
    const dir = tree("gcs-resume", 2 * MiB);
    const { url, args, env } = harness.cli("resume/tape.tar");
    // A file that changes after the first parts stops the upload with parts recorded: an upload in progress
    // (slowed down, so the change lands before the last part).
    expect((await runCli(["record", dir], env)).code).toBe(0);
    const file = fs.readdirSync(dir).find((name) => name !== ".tartape")!;
    const events = scratch.file("gcs-resume.jsonl");
    const first = runCli(["upload", dir, url, ...args, "--part-size", "256KiB", "--concurrency", "1", "--limit-rate", "512KiB/s", "--storage-class", "COLDLINE", "--event-log", events], env);
    await waitForParts(events, 1);
    fs.appendFileSync(`${dir}/${file}`, "x");
    expect((await first).code).toBe(1);

    // Refused before anything else is looked at (the changed file included).
    const refused = await runCli(["upload", dir, url, ...args, "--storage-class", "ARCHIVE"], env);
    expect(refused.code, refused.stderr).toBe(2);
    expect(refused.stderr).toContain("with --storage-class COLDLINE; this run asks for --storage-class ARCHIVE");
  });

  it("--tag, which GCS has no such thing as, is refused before anything is sent", async () => {
    const dir = tree("gcs-foreign", 1 * MiB);
    const { url, args, env } = harness.cli("foreign/tape.tar");
    const run = await runCli(["upload", dir, url, ...args, "--tag", "team=data"], env);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--tag does not apply to");
    expect(run.stderr).toContain("it is for s3:// and az:// destinations only");
    const kms = await runCli(["upload", dir, url, ...args, "--kms-key-name", "my-key"], env);
    expect(kms.code).toBe(2);
    expect(kms.stderr).toContain("is not a Cloud KMS key name for --kms-key-name");
  });
});

async function waitForParts(eventLog: string, parts: number): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const text = fs.existsSync(eventLog) ? fs.readFileSync(eventLog, "utf8") : "";
    if ((text.match(/"type":"part-done"/g) ?? []).length >= parts) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${parts} part(s) were not uploaded within 30 s`);
}
