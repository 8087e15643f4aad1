/** az:// with no key, SAS or connection string: the built CLI signs in with DefaultAzureCredential, and says in one line why it cannot. */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, runTartape, tempDir, writeTree } from "../../test-support/cli.js";

let root: string;
beforeAll(() => {
  assertBuilt();
  root = tempDir("azure-credentials");
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

/** One line, `tartape: ...`, and no stack trace. */
function oneLine(stderr: string): string {
  const lines = stderr.trimEnd().split("\n").filter((l) => l.startsWith("tartape: ") || /^\s+at /.test(l));
  expect(lines).toHaveLength(1);
  return lines[0]!;
}

describe("az:// credentials", () => {
  it("with an account and no credentials at all, names every source DefaultAzureCredential tried and what to set", async () => {
    const dir = path.join(root, "tree");
    writeTree(dir, { "a.txt": "a" });
    for (const args of [["upload", dir, "az://backups/a.tar", "--progress=none"], ["cleanup", "az://backups/", "--older-than", "7d"]]) {
      const run = await runTartape(args, { env: { AZURE_STORAGE_ACCOUNT: "tartapenocreds" } });
      expect(run.code, run.stderr).toBe(1);
      const line = oneLine(run.stderr);
      expect(line).toMatch(/^tartape: No Azure credentials for storage account 'tartapenocreds': signing in with Microsoft Entra ID tried environment variables \(AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET\), .*managed identity.*Azure CLI \(az login\).*, and none is set up\. Set AZURE_STORAGE_CONNECTION_STRING/);
    }
  });

  it("with neither an account nor a connection string, says what to set", async () => {
    const run = await runTartape(["cleanup", "az://backups/", "--older-than", "7d"]);
    expect(run.code).toBe(2);
    expect(oneLine(run.stderr)).toBe(
      "tartape: No Azure Storage credentials: set AZURE_STORAGE_CONNECTION_STRING, or pass --connection-string, or set AZURE_STORAGE_ACCOUNT to sign in with Microsoft Entra ID (DefaultAzureCredential).",
    );
  });
});
