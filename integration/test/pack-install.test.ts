/**
 * The published packages as a stranger gets them: `pnpm pack` of each, then, in an empty project
 * outside the workspace, `npm install` of those tarballs on Node 22 and on Node 24 (both from the
 * npm registry) with an empty npm cache; there the README's library example type-checks (tsc
 * strict, NodeNext) and runs against the local-file target and MinIO, and `npx tartape` runs.
 */
import { spawnSync, type SpawnSyncOptions } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { CreateBucketCommand, GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { openTape } from "@tartape/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { s3ClientConfig, startMinio, type MinioServer } from "../src/index.js";
import { makeTempDir } from "../src/cleanup.js";
import { ensureNodeRelease, envFor, npmCliScript, type NodeRelease } from "../src/node-release.js";

const repo = resolve(fileURLToPath(new URL("../..", import.meta.url)));
const PUBLISHED = ["core", "s3", "azure", "gcs", "cli"] as const;
const TYPESCRIPT = JSON.parse(readFileSync(join(repo, "node_modules/typescript/package.json"), "utf8")).version as string;
const MINUTES = 60_000;

function run(command: string, args: string[], options: SpawnSyncOptions): string {
  const result = spawnSync(command, args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024, ...options });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(" ")} exited ${result.status ?? result.signal}\n${String(result.stdout).slice(-4000)}\n${String(result.stderr).slice(-4000)}`);
  }
  return String(result.stdout);
}

async function sha256(stream: AsyncIterable<Uint8Array>): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of stream) hash.update(chunk);
  return hash.digest("hex");
}

let tarballs: string[];
let npmCache: string;
let minio: MinioServer;
let s3: S3Client;
const bucket = "consumer";

beforeAll(async () => {
  const packDir = makeTempDir("packed");
  for (const name of PUBLISHED) run("pnpm", ["pack", "--pack-destination", packDir], { cwd: join(repo, "packages", name) });
  tarballs = readdirSync(packDir).filter((file) => file.endsWith(".tgz")).map((file) => join(packDir, file));
  npmCache = makeTempDir("npm-cache");
  minio = await startMinio();
  s3 = new S3Client(s3ClientConfig(minio));
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
}, 10 * MINUTES);

afterAll(async () => {
  s3?.destroy();
  await minio?.stop();
});

describe("the packed packages", () => {
  it("hold what a registry page needs, and no tests or workspace references", () => {
    expect(tarballs).toHaveLength(PUBLISHED.length);
    for (const name of PUBLISHED) {
      const manifest = JSON.parse(readFileSync(join(repo, "packages", name, "package.json"), "utf8"));
      for (const field of ["description", "license", "repository", "keywords", "engines", "files", "exports", "homepage"]) {
        expect(manifest[field], `${manifest.name} ${field}`).toBeTruthy();
      }
      expect(manifest.exports["."].types, `${manifest.name} exports types`).toMatch(/\.d\.ts$/);
      const listing = run("tar", ["-tzf", tarballs.find((file) => file.includes(`tartape-${name}-`))!], {});
      expect(listing, `${manifest.name} README`).toContain("package/README.md");
      expect(listing, `${manifest.name} LICENSE`).toContain("package/LICENSE");
      expect(listing).not.toMatch(/\.test\.(js|d\.ts)/);
      const packed = run("tar", ["-xzOf", tarballs.find((file) => file.includes(`tartape-${name}-`))!, "package/package.json"], {});
      expect(packed).not.toContain("workspace:");
    }
  });
});

describe.each([22, 24])("installed with npm on Node %i", (major) => {
  let release: NodeRelease;
  let project: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(() => {
    release = ensureNodeRelease(major);
    project = makeTempDir(`consumer-node${major}`);
    writeFileSync(join(project, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }, null, 2));
    env = envFor(release, { npm_config_cache: npmCache });
    const npm = npmCliScript();
    run(release.node, [npm, "install", ...tarballs, `typescript@${TYPESCRIPT}`, `@types/node@${major}`], { cwd: project, env });
  }, 15 * MINUTES);

  it("type-checks the README's example (tsc strict, NodeNext) and runs it against a local file and MinIO", async () => {
    const consumer = join(repo, "integration", "consumer");
    for (const file of ["example.ts", "tsconfig.json"]) copyFileSync(join(consumer, file), join(project, file));
    run(release.node, [join(project, "node_modules/typescript/bin/tsc"), "-p", "."], { cwd: project, env });

    const data = join(project, "data");
    mkdirSync(join(data, "sub"), { recursive: true });
    writeFileSync(join(data, "a.txt"), "hello\n");
    writeFileSync(join(data, "sub", "big.bin"), Buffer.alloc(3 * 1024 * 1024 + 17, 7));
    const version = run(release.node, ["-p", "process.version"], { cwd: project, env }).trim();
    expect(version).toBe(release.version);

    const local = JSON.parse(run(release.node, ["dist/example.js", data, "file", join(project, "data.tar")], { cwd: project, env }));
    expect(local).toMatchObject({ status: "completed", again: "already-complete", verified: true, otherTargets: 2 });
    expect(local.totalSize).toBe(local.tapeSize);

    const key = `node${major}/data.tar`;
    const remote = JSON.parse(
      run(release.node, ["dist/example.js", data, "s3", key], {
        cwd: project,
        env: { ...env, S3_ENDPOINT: minio.endpoint, S3_BUCKET: bucket, AWS_ACCESS_KEY_ID: minio.accessKey, AWS_SECRET_ACCESS_KEY: minio.secretKey },
      }),
    );
    expect(remote).toMatchObject({ status: "completed", again: "already-complete", verified: true, fingerprint: local.fingerprint });

    // The object and the local file are the tape, byte for byte (read here with the workspace's own core).
    const tape = openTape(data);
    try {
      const expected = await sha256(tape.createReadStream());
      const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      expect(await sha256(object.Body as AsyncIterable<Uint8Array>)).toBe(expected);
      expect(createHash("sha256").update(readFileSync(join(project, "data.tar"))).digest("hex")).toBe(expected);
    } finally {
      tape.close();
    }
  }, 10 * MINUTES);

  it("runs `npx tartape --version` and `npx tartape demo`", () => {
    const npx = join(npmCliScript(), "..", "npx-cli.js");
    const manifest = JSON.parse(readFileSync(join(repo, "packages/cli/package.json"), "utf8"));
    expect(run(release.node, [npx, "tartape", "--version"], { cwd: project, env }).trim()).toBe(manifest.version);
    const demo = run(release.node, [npx, "tartape", "demo", "--out", join(project, "demo-out")], { cwd: project, env });
    expect(demo).toContain("sample.tar");
  }, 10 * MINUTES);
});
