/** Azure object options with the CLI against a real Azurite: tier, metadata, index tags and content type read back; a resume with others refused. */
import path from "node:path";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import { AccountSASPermissions, BlobServiceClient } from "@azure/storage-blob";
import { parseAzureUrl } from "@tartape/azure";
import { describe, expect, it } from "vitest";
import { azureHarness } from "../src/scenarios/azure-harness.js";
import { CliProcess, runCli } from "../src/scenarios/support/cli-process.js";
import { useHarnesses } from "../src/scenarios/support/harness-hooks.js";
import { Scratch } from "../src/scenarios/support/scratch.js";
import { singleFileTree } from "../src/scenarios/support/trees.js";

const harness = azureHarness();
const scratch = new Scratch();
const MiB = 1024 * 1024;

useHarnesses(scratch, "ops-azure", harness);

function blobOf(url: string, env: Record<string, string>) {
  const { container, blob } = parseAzureUrl(url);
  return BlobServiceClient.fromConnectionString(env["AZURE_STORAGE_CONNECTION_STRING"]!).getContainerClient(container).getBlockBlobClient(blob);
}

function tree(label: string, size: number): string {
  const dir = scratch.dir(label);
  singleFileTree(dir, size);
  return dir;
}

describe("Azure object options", () => {
  it("access tier, metadata, index tags and content type are set on the blob and read back", async () => {
    const dir = tree("azure-options", 2 * MiB);
    const { url, env } = harness.cli("options/tape.tar");
    const run = await runCli(
      ["upload", dir, url, "--part-size", "512KiB", "--access-tier", "cool", "--metadata", "owner=ops", "--tag", "team=data", "--tag", "keep=30d", "--content-type", "application/octet-stream"],
      env,
    );
    expect(run.code, run.stderr).toBe(0);
    const blob = blobOf(url, env);
    const properties = await blob.getProperties();
    expect(properties.accessTier).toBe("Cool");
    expect(properties.contentType).toBe("application/octet-stream");
    expect(properties.metadata).toMatchObject({ owner: "ops", tartape_fingerprint: expect.any(String) });
    expect((await blob.getTags()).tags).toEqual({ team: "data", keep: "30d" });
  });

  it("a resume with another tier is refused naming the flags that continue it; restart commits with the new one", async () => {
    const dir = tree("azure-resume", 4 * MiB);
    const { url, env } = harness.cli("resume/tape.tar");
    const events = scratch.file("azure-resume.jsonl");
    const cli = CliProcess.start(["upload", dir, url, "--part-size", "512KiB", "--concurrency", "1", "--limit-rate", "1MiB/s", "--access-tier", "Hot", "--event-log", events], env);
    await waitForParts(events, 1);
    cli.kill();
    await cli.exited;

    const refused = await runCli(["upload", dir, url, "--access-tier", "Archive"], env);
    expect(refused.code, refused.stdout).toBe(2);
    expect(refused.stderr).toContain("with --access-tier Hot; this run asks for --access-tier Archive");
    const restarted = await runCli(["upload", dir, url, "--access-tier", "Archive", "--restart"], env);
    expect(restarted.code, restarted.stderr).toBe(0);
    expect((await blobOf(url, env).getProperties()).accessTier).toBe("Archive");
  });

  it("a flag Azure has no such thing for is refused before anything is sent", async () => {
    const dir = tree("azure-foreign", 1 * MiB);
    const { url, env } = harness.cli("foreign/tape.tar");
    const run = await runCli(["upload", dir, url, "--storage-class", "STANDARD_IA"], env);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--storage-class does not apply to");
    expect(run.stderr).toContain("it is for s3:// and gs:// destinations only");
    const bad = await runCli(["upload", dir, url, "--metadata", "bad-name=x"], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('The metadata name "bad-name" in --metadata is not one Azure takes');
  });
});

describe("Azure secrets", () => {
  /** The connection string's fields. */
  function fields(connectionString: string): Record<string, string> {
    return Object.fromEntries(connectionString.split(";").filter(Boolean).map((pair) => [pair.slice(0, pair.indexOf("=")), pair.slice(pair.indexOf("=") + 1)]));
  }

  function filesUnder(dir: string): Array<[string, Buffer]> {
    return fs.readdirSync(dir, { recursive: true, encoding: "utf8" }).flatMap((rel) => {
      const file = path.join(dir, rel);
      return fs.statSync(file).isFile() ? [[file, fs.readFileSync(file)] as [string, Buffer]] : [];
    });
  }

  it("an account key, a connection string, a SAS token and a customer-provided key appear in no output, log or index", async () => {
    const { url, env } = harness.cli("secrets/tape.tar");
    const connectionString = env["AZURE_STORAGE_CONNECTION_STRING"]!;
    const { AccountName: account, AccountKey: accountKey, BlobEndpoint: blobEndpoint } = fields(connectionString);
    const service = BlobServiceClient.fromConnectionString(connectionString);
    const sas = new URL(service.generateAccountSasUrl(new Date(Date.now() + 3_600_000), AccountSASPermissions.parse("rwdlac"), "sco")).search.slice(1);
    expect(account).toBeDefined();
    const signature = new URLSearchParams(sas).get("sig")!;
    expect(signature.length).toBeGreaterThan(20);
    const sasEnv = { AZURE_STORAGE_CONNECTION_STRING: `BlobEndpoint=${blobEndpoint};SharedAccessSignature=${sas}` };

    const dir = tree("azure-secrets", 1 * MiB);
    const log = scratch.file("azure-secrets.jsonl");
    const viaKey = await runCli(["upload", dir, url, "--part-size", "256KiB", "--event-log", log, "--json", "--progress", "json"], env);
    expect(viaKey.code, viaKey.stderr).toBe(0);
    const viaSas = await runCli(["upload", dir, url.replace("secrets/", "secrets-sas/"), "--part-size", "256KiB", "--event-log", log], sasEnv);
    expect(viaSas.code, viaSas.stderr).toBe(0);
    // Given on the command line, the connection string is not repeated in what the run prints; a wrong key fails without it either.
    const flagged = await runCli(["upload", dir, url.replace("secrets/", "secrets-flag/"), "--connection-string", connectionString], {});
    expect(flagged.code, flagged.stderr).toBe(0);
    const wrongKey = Buffer.alloc(64, 1).toString("base64");
    const wrong = await runCli(["upload", dir, url.replace("secrets/", "secrets-wrong/")], { AZURE_STORAGE_CONNECTION_STRING: connectionString.replace(accountKey!, wrongKey) });
    expect(wrong.code).toBe(1);
    // A customer-provided key: Azure takes it over HTTPS only, so against Azurite (http) the run is refused before anything is
    // read or sent (the requests it sends over HTTPS: packages/azure/src/object-requests.test.ts). The key must not show either way.
    const customerKey = randomBytes(32);
    const keyFile = scratch.file("customer.key");
    fs.writeFileSync(keyFile, customerKey);
    const cpk = await runCli(["upload", dir, url.replace("secrets/", "secrets-cpk/"), "--sse-customer-key", keyFile, "--event-log", log], env);
    expect(cpk.code).toBe(2);
    expect(cpk.stderr).toMatch(/^tartape: Azure takes a customer-provided key \(--sse-customer-key\) over HTTPS only, and http:\/\/\S+ is not an https:\/\/ endpoint\.$/m);
    const status = await runCli(["status", dir, "--json"], env);

    const seen: Array<[string, string | Buffer]> = [
      ["key run", viaKey.stdout + viaKey.stderr],
      ["SAS run", viaSas.stdout + viaSas.stderr],
      ["flag run", flagged.stdout + flagged.stderr],
      ["wrong key run", wrong.stdout + wrong.stderr],
      ["customer key run", cpk.stdout + cpk.stderr],
      ["status", status.stdout],
      ["event log", fs.readFileSync(log)],
      ...filesUnder(path.join(dir, ".tartape")),
    ];
    for (const [where, text] of seen) {
      for (const secret of [accountKey!, wrongKey, signature, encodeURIComponent(signature), customerKey.toString("base64"), customerKey.toString("hex")]) {
        expect(Buffer.from(text).includes(secret), `a secret in ${where}`).toBe(false);
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
