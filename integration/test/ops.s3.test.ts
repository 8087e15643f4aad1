/**
 * What operators reach for on day two, with the CLI against a real MinIO:
 * a dry run that sends nothing, a bandwidth cap, object options read back,
 * and credentials from an AWS profile.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { GetObjectTaggingCommand, HeadObjectCommand, ListMultipartUploadsCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MINIO_KMS_KEY_NAME, s3ClientConfig, startMinio, type MinioServer } from "../src/index.js";
import { createBucketWhenReady } from "../src/s3-bucket.js";
import { cliEntry, runCli, CliProcess } from "../src/scenarios/support/cli-process.js";
import { Scratch } from "../src/scenarios/support/scratch.js";
import { singleFileTree } from "../src/scenarios/support/trees.js";

const MiB = 1024 * 1024;
const BUCKET = "tartape-ops";

let minio: MinioServer;
let admin: S3Client;
const scratch = new Scratch();

/** Keys no other string of the run contains, so finding them anywhere means they leaked. */
const ACCESS_KEY = "OPSKEYID7Q2WX";
const SECRET_KEY = "ops-secret-Zx81qLw5vR";

beforeAll(async () => {
  minio = await startMinio({ accessKey: ACCESS_KEY, secretKey: SECRET_KEY });
  admin = new S3Client(s3ClientConfig(minio));
  await createBucketWhenReady(admin, BUCKET);
  scratch.open("ops-s3");
});

afterAll(async () => {
  CliProcess.killAll();
  admin?.destroy();
  await minio?.stop();
  scratch.close();
});

const env = () => ({ AWS_ACCESS_KEY_ID: minio.accessKey, AWS_SECRET_ACCESS_KEY: minio.secretKey, AWS_REGION: minio.region });

async function pendingUploads(key: string): Promise<string[]> {
  const listed = await admin.send(new ListMultipartUploadsCommand({ Bucket: BUCKET, Prefix: key }));
  return (listed.Uploads ?? []).map((u) => u.UploadId!);
}

async function objectsUnder(prefix: string): Promise<string[]> {
  const listed = await admin.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }));
  return (listed.Contents ?? []).map((o) => o.Key!);
}

function tree(label: string, size: number): string {
  const dir = scratch.dir(label);
  singleFileTree(dir, size);
  return dir;
}

describe("upload --dry-run", () => {
  it("plans the parts and sends nothing: no object, no multipart upload; after a partial upload it says what a resume would send", async () => {
    const dir = tree("dry", 12 * MiB);
    const key = "dry/tape.tar";
    const url = `s3://${BUCKET}/${key}`;
    const plan = await runCli(["upload", dir, url, "--endpoint", minio.endpoint, "--part-size", "5MiB", "--dry-run"], env());
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toContain(`Dry run: ${dir} -> ${url}?endpoint=${new URL(minio.endpoint).host} (nothing was sent)`);
    expect(plan.stdout).toMatch(/parts +3 of 5 MiB/);
    expect(plan.stdout).toMatch(/state +a new upload would be created/);
    expect(plan.stdout).toMatch(/to send +3 part\(s\), 12 MiB \(12582912 bytes\)/);
    expect(await objectsUnder("dry/")).toEqual([]);
    expect(await pendingUploads(key)).toEqual([]);
    expect((await runCli(["status", dir], env())).stdout).toBe(`No uploads are recorded for ${dir}.\n`);

    // Killed after a part or two (slowed down so the kill lands mid-upload): the dry run counts what the server holds.
    const events = scratch.file("dry.jsonl");
    const cli = CliProcess.start(["upload", dir, url, "--endpoint", minio.endpoint, "--part-size", "5MiB", "--concurrency", "1", "--limit-rate", "8MiB/s", "--event-log", events], env());
    await waitForParts(events, 1);
    cli.kill();
    await cli.exited;
    const [uploadId] = await pendingUploads(key);
    expect(uploadId).toBeDefined();
    const status = JSON.parse((await runCli(["status", dir, "--json"], env())).stdout) as { uploads: Array<{ partsDone: number; bytesDone: number }> };
    const { partsDone, bytesDone } = status.uploads[0]!;
    expect(partsDone).toBeGreaterThanOrEqual(1);
    expect(partsDone).toBeLessThan(3);
    const resume = await runCli(["upload", dir, url, "--endpoint", minio.endpoint, "--dry-run", "--json"], env());
    expect(resume.code, resume.stderr).toBe(0);
    const doc = JSON.parse(resume.stdout) as Record<string, unknown>;
    expect(doc).toMatchObject({ dryRun: true, state: "resume", uploadId, partCount: 3, partsOnServer: partsDone, partsToSend: 3 - partsDone, bytesToSend: 12 * MiB - bytesDone });
    expect(await pendingUploads(key)).toEqual([uploadId]);
    expect(await objectsUnder("dry/")).toEqual([]);

    // The real run finishes it; the dry run then says the destination holds the tape.
    expect((await runCli(["upload", dir, url, "--endpoint", minio.endpoint], env())).code).toBe(0);
    const done = await runCli(["upload", dir, url, "--endpoint", minio.endpoint, "--dry-run"], env());
    expect(done.stdout).toMatch(/state +the destination holds this tape already/);
  });
});

describe("upload --limit-rate", () => {
  it("a 200 MiB tape at 20MiB/s takes 9 to 12 s, with 4 parts in flight sharing the cap", async () => {
    const dir = tree("capped", 200 * MiB);
    const key = "capped/tape.tar";
    // Recorded first, so the clock measures the upload alone.
    expect((await runCli(["record", dir], env())).code).toBe(0);
    const started = performance.now();
    const run = await runCli(["upload", dir, `s3://${BUCKET}/${key}`, "--endpoint", minio.endpoint, "--part-size", "16MiB", "--concurrency", "4", "--limit-rate", "20MiB/s", "--json"], env(), 60_000);
    const seconds = (performance.now() - started) / 1000;
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ status: "completed", bytesUploaded: 200 * MiB });
    const head = await admin.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
    expect(head.ContentLength).toBe(200 * MiB);
    console.log(`--limit-rate 20MiB/s: 200 MiB to MinIO in ${seconds.toFixed(2)} s (${(200 / seconds).toFixed(1)} MiB/s, the process's start included)`);
    expect(seconds).toBeGreaterThanOrEqual(9);
    expect(seconds).toBeLessThanOrEqual(12);
  }, 90_000);
});

describe("object options", () => {
  const options = ["--storage-class", "REDUCED_REDUNDANCY", "--metadata", "owner=ops", "--metadata", "note=nightly run", "--tag", "team=data", "--tag", "keep=30d", "--content-type", "application/octet-stream"];

  it("storage class, metadata, tags and content type are set on the object and read back", async () => {
    const dir = tree("options", 6 * MiB);
    const key = "options/tape.tar";
    const run = await runCli(["upload", dir, `s3://${BUCKET}/${key}`, "--endpoint", minio.endpoint, ...options, "--sse", "AES256"], env());
    expect(run.code, run.stderr).toBe(0);
    const head = await admin.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
    expect(head.StorageClass).toBe("REDUCED_REDUNDANCY");
    expect(head.ContentType).toBe("application/octet-stream");
    expect(head.Metadata).toMatchObject({ owner: "ops", note: "nightly run", "tartape-fingerprint": expect.any(String) });
    expect(head.ServerSideEncryption).toBe("AES256");
    const tagging = await admin.send(new GetObjectTaggingCommand({ Bucket: BUCKET, Key: key }));
    expect(Object.fromEntries((tagging.TagSet ?? []).map((t) => [t.Key, t.Value]))).toEqual({ team: "data", keep: "30d" });
  });

  it("SSE-KMS with the server's key is set and read back", async () => {
    const dir = tree("kms", 6 * MiB);
    const key = "kms/tape.tar";
    const run = await runCli(["upload", dir, `s3://${BUCKET}/${key}`, "--endpoint", minio.endpoint, "--sse", "aws:kms", "--sse-kms-key-id", MINIO_KMS_KEY_NAME], env());
    expect(run.code, run.stderr).toBe(0);
    const head = await admin.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
    expect(head.ServerSideEncryption).toBe("aws:kms");
    expect(head.SSEKMSKeyId).toContain(MINIO_KMS_KEY_NAME);
    // Asked again, the object is recognised as this tape's: nothing is sent.
    const again = await runCli(["upload", dir, `s3://${BUCKET}/${key}`, "--endpoint", minio.endpoint, "--sse", "aws:kms", "--sse-kms-key-id", MINIO_KMS_KEY_NAME, "--json"], env());
    expect(JSON.parse(again.stdout)).toMatchObject({ status: "already-complete" });
  });

  it("a resume with other object options is refused naming the flags that continue it; restart aborts the old upload and uses the new ones", async () => {
    const dir = tree("options-resume", 12 * MiB);
    const key = "options-resume/tape.tar";
    const url = `s3://${BUCKET}/${key}`;
    const events = scratch.file("options-resume.jsonl");
    const first = ["--storage-class", "STANDARD", "--metadata", "owner=ops", "--tag", "team=data"];
    const cli = CliProcess.start(["upload", dir, url, "--endpoint", minio.endpoint, "--part-size", "5MiB", "--concurrency", "1", "--limit-rate", "8MiB/s", "--event-log", events, ...first], env());
    await waitForParts(events, 1);
    cli.kill();
    await cli.exited;
    const [uploadId] = await pendingUploads(key);
    expect(uploadId).toBeDefined();

    const refused = await runCli(["upload", dir, url, "--endpoint", minio.endpoint, "--storage-class", "REDUCED_REDUNDANCY", "--metadata", "owner=ops", "--tag", "team=data"], env());
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`is in progress (upload ${uploadId}) with --storage-class STANDARD; this run asks for --storage-class REDUCED_REDUNDANCY`);
    const dropped = await runCli(["upload", dir, url, "--endpoint", minio.endpoint, "--storage-class", "STANDARD", "--metadata", "owner=dev", "--dry-run"], env());
    expect(dropped.code).toBe(2);
    expect(dropped.stderr).toContain("with --metadata owner=ops --tag team=data; this run asks for --metadata owner=dev no --tag");
    expect(await pendingUploads(key), "refused before touching the upload").toEqual([uploadId]);
    const status = JSON.parse((await runCli(["status", dir, "--json"], env())).stdout) as { uploads: Array<{ options: Record<string, string> }> };
    expect(status.uploads[0]!.options).toEqual({ checksum: "crc32", storageClass: "STANDARD", metadata: "owner=ops", tag: "team=data" });

    const restarted = await runCli(["upload", dir, url, "--endpoint", minio.endpoint, "--storage-class", "REDUCED_REDUNDANCY", "--restart"], env());
    expect(restarted.code, restarted.stderr).toBe(0);
    expect(await pendingUploads(key)).toEqual([]);
    const head = await admin.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
    expect(head.StorageClass).toBe("REDUCED_REDUNDANCY");
    expect(head.Metadata?.owner).toBeUndefined();
  });

  it("a flag the destination has no such thing for is refused before anything is sent", async () => {
    const dir = tree("foreign", 1 * MiB);
    const run = await runCli(["upload", dir, path.join(scratch.dir("dest"), "t.tar"), "--storage-class", "STANDARD_IA"], env());
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^tartape: --storage-class does not apply to '.*t\.tar' \(a local file\); it is for s3:\/\/ and gs:\/\/ destinations only\./);
  });
});

describe("--profile", () => {
  /** A temporary AWS config and credentials file pair with a profile `tapes` holding `secret`. */
  function awsFiles(secret: string): Record<string, string> {
    const dir = scratch.dir("aws");
    fs.writeFileSync(path.join(dir, "config"), `[profile tapes]\nregion = ${minio.region}\n`);
    fs.writeFileSync(path.join(dir, "credentials"), `[tapes]\naws_access_key_id = ${ACCESS_KEY}\naws_secret_access_key = ${secret}\n`);
    // Keys in the environment too, and wrong: --profile must win over them, as the AWS CLI's does.
    return { AWS_CONFIG_FILE: path.join(dir, "config"), AWS_SHARED_CREDENTIALS_FILE: path.join(dir, "credentials"), AWS_ACCESS_KEY_ID: "ENVKEYWRONG", AWS_SECRET_ACCESS_KEY: "env-secret-wrong-9Qx" };
  }

  /** Runs the CLI and reads its command line (what `ps` shows) while it runs. */
  function runWatched(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string; cmdline: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [cliEntry(), ...args], { env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env }, stdio: ["ignore", "pipe", "pipe"] });
      const cmdline = fs.readFileSync(`/proc/${child.pid}/cmdline`, "utf8").split("\0").join(" ");
      let stdout = "";
      let stderr = "";
      child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
      child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
      child.on("error", reject);
      child.on("close", (code) => resolve({ code, stdout, stderr, cmdline }));
    });
  }

  /** Every file under `dir`, as bytes. */
  function filesUnder(dir: string): Array<[string, Buffer]> {
    return fs.readdirSync(dir, { recursive: true, encoding: "utf8" }).flatMap((rel) => {
      const file = path.join(dir, rel);
      return fs.statSync(file).isFile() ? [[file, fs.readFileSync(file)] as [string, Buffer]] : [];
    });
  }

  it("uploads with a profile of temporary AWS files, over wrong keys in the environment; the secret appears in no output, log, index or command line", async () => {
    const dir = tree("profile", 6 * MiB);
    const key = "profile/tape.tar";
    const url = `s3://${BUCKET}/${key}`;
    const env = awsFiles(SECRET_KEY);
    const log = scratch.file("profile.jsonl");
    const run = await runWatched(["upload", dir, url, "--endpoint", minio.endpoint, "--profile", "tapes", "--event-log", log, "--progress", "json", "--json"], env);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ status: "completed" });
    expect(run.cmdline).toContain("--profile tapes");
    const status = await runCli(["status", dir, "--json"], env);
    const dryRun = await runCli(["upload", dir, url, "--endpoint", minio.endpoint, "--profile", "tapes", "--dry-run"], env);
    expect(dryRun.stdout).toMatch(/state +the destination holds this tape already/);

    // A wrong secret fails with a message that names neither secret.
    const wrong = await runCli(["upload", dir, `s3://${BUCKET}/profile/other.tar`, "--endpoint", minio.endpoint, "--profile", "tapes"], awsFiles("wrong-secret-Kp3vN8"));
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/^tartape: .*the secret access key is wrong/m);

    const seen: Array<[string, string | Buffer]> = [
      ["stdout", run.stdout],
      ["stderr", run.stderr],
      ["ps", run.cmdline],
      ["status", status.stdout + status.stderr],
      ["dry run", dryRun.stdout + dryRun.stderr],
      ["failed run", wrong.stdout + wrong.stderr],
      ["event log", fs.readFileSync(log)],
      ...filesUnder(path.join(dir, ".tartape")),
    ];
    for (const [where, text] of seen) {
      for (const secret of [SECRET_KEY, "wrong-secret-Kp3vN8", "env-secret-wrong-9Qx"]) {
        expect(Buffer.from(text).includes(secret), `${secret} in ${where}`).toBe(false);
      }
    }
  });
});

async function waitForParts(eventLog: string, parts: number): Promise<void> {
  const fs = await import("node:fs");
  for (let i = 0; i < 600; i++) {
    const text = fs.existsSync(eventLog) ? fs.readFileSync(eventLog, "utf8") : "";
    if ((text.match(/"type":"part-done"/g) ?? []).length >= parts) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${parts} part(s) were not uploaded within 30 s (${path.basename(eventLog)})`);
}
