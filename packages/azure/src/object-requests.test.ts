/**
 * The requests the Azure SDK would send for the encryption scope, which
 * Azurite does not implement, and for a customer-provided key, which Azure
 * takes over HTTPS only: captured by a policy at the end of the SDK's
 * pipeline and stopped there. Nothing is mocked: the target and the SDK run
 * as they do.
 */
import { createHash, randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { AnonymousCredential, BlobServiceClient, newPipeline, type RequestPolicy, type WebResource } from "@azure/storage-blob";
import type { PartBody, UploadContext } from "@tartape/core";
import { describe, expect, it } from "vitest";
import { azureTarget } from "./azure-target.js";
import { blockIdFor, uploadIdFor } from "./block-id.js";

interface Sent {
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
}

/** `https:`: the SDK refuses to send a customer-provided key over http. Nothing leaves the process either way. */
function capturingClient(sent: Sent[], url = "http://127.0.0.1:9/devstoreaccount1"): BlobServiceClient {
  const pipeline = newPipeline(new AnonymousCredential(), { retryOptions: { maxTries: 1 } });
  pipeline.factories.push({
    create: (): RequestPolicy => ({
      sendRequest: async (request: WebResource) => {
        const headers: Record<string, string> = {};
        for (const header of request.headers.headersArray()) headers[header.name.toLowerCase()] = header.value;
        sent.push({ method: request.method, url: request.url, headers });
        throw new Error("captured by the test");
      },
    }),
  });
  return new BlobServiceClient(url, pipeline);
}

const ctx: UploadContext = { fingerprint: "f".repeat(64), totalSize: 1024, partSize: 1024, partCount: 1, tapeName: "t_ffffffff", signal: new AbortController().signal };
const body: PartBody = { size: 1024, open: () => Readable.from([Buffer.alloc(1024)]), digest: async () => Buffer.alloc(16) };

describe("Azure object options in the requests the SDK sends", () => {
  it("every staged block and the commit carry the encryption scope; the commit carries tier, tags, metadata and content type", async () => {
    const sent: Sent[] = [];
    const target = azureTarget({
      container: "tapes",
      blob: "t.tar",
      client: capturingClient(sent),
      encryptionScope: "backupscope",
      accessTier: "Cold",
      tags: { team: "data" },
      metadata: { owner: "ops" },
      contentType: "application/octet-stream",
    });
    const uploadId = uploadIdFor(ctx.fingerprint, ctx.partSize);
    await expect(target.uploadPart(uploadId, { number: 1, start: 0, end: 1024, size: 1024 }, body, ctx)).rejects.toThrow();
    await expect(target.complete(uploadId, [{ number: 1, size: 1024, etag: blockIdFor(uploadId, 1), checksum: "md5:x" }], ctx)).rejects.toThrow();
    const [stage, commit] = sent;
    expect(stage!.url).toContain("comp=block");
    expect(stage!.headers["x-ms-encryption-scope"]).toBe("backupscope");
    expect(commit!.url).toContain("comp=blocklist");
    expect(commit!.headers).toMatchObject({
      "x-ms-encryption-scope": "backupscope",
      "x-ms-access-tier": "Cold",
      "x-ms-tags": "team=data",
      "x-ms-meta-owner": "ops",
      "x-ms-blob-content-type": "application/octet-stream",
    });
  });

  it("names the options in the upload's identity, so a resume with others is refused", () => {
    const client = capturingClient([]);
    expect(azureTarget({ container: "tapes", blob: "t.tar", client }).objectIdentity.options).toEqual({});
    expect(azureTarget({ container: "tapes", blob: "t.tar", client, accessTier: "cool" as "Cool", encryptionScope: "scope1" }).objectIdentity.options).toEqual({ accessTier: "Cool", encryptionScope: "scope1" });
    expect(() => azureTarget({ container: "tapes", blob: "t.tar", client, encryptionScope: "s1" })).toThrow(/not an Azure encryption scope name/);
    expect(() => azureTarget({ container: "tapes", blob: "t.tar", client, accessTier: "Frozen" as "Cool" })).toThrow(/not an Azure access tier for the accessTier option/);
    expect(() => azureTarget({ container: "tapes", blob: "t.tar", client, metadata: { tartape_x: "1" } })).toThrow(/tartape keeps for its own/);
  });

  it("a customer-provided key goes with every staged block, the commit and every read of the blob; the identity names its SHA-256 only", async () => {
    const sent: Sent[] = [];
    const key = randomBytes(32);
    const sha256 = createHash("sha256").update(key).digest("base64");
    const overTls = (captured: Sent[] = []) => capturingClient(captured, "https://127.0.0.1:9/devstoreaccount1");
    const target = azureTarget({ container: "tapes", blob: "t.tar", client: overTls(sent), sseCustomerKey: key });
    const uploadId = uploadIdFor(ctx.fingerprint, ctx.partSize);
    await expect(target.uploadPart(uploadId, { number: 1, start: 0, end: 1024, size: 1024 }, body, ctx)).rejects.toThrow();
    await expect(target.complete(uploadId, [{ number: 1, size: 1024, etag: blockIdFor(uploadId, 1), checksum: "md5:x" }], ctx)).rejects.toThrow();
    await expect(target.findCompleted(ctx)).rejects.toThrow();
    await expect(target.remote.tape.read(0, 10, { size: 1024, version: '"etag"' })).rejects.toThrow();
    await expect(target.remote.putCatalog(body, ctx.signal)).rejects.toThrow();
    expect(sent.map((r) => `${r.method} ${new URL(r.url).searchParams.get("comp") ?? ""}`)).toEqual(["PUT block", "PUT blocklist", "HEAD ", "GET ", "PUT "]);
    for (const request of sent) {
      expect(request.headers).toMatchObject({ "x-ms-encryption-key": key.toString("base64"), "x-ms-encryption-key-sha256": sha256, "x-ms-encryption-algorithm": "AES256" });
    }
    expect(target.objectIdentity.options).toEqual({ sseCustomerKey: `SHA256 ${sha256}` });
    expect(JSON.stringify(target.objectIdentity)).not.toContain(key.toString("base64"));
    expect(azureTarget({ container: "tapes", blob: "t.tar", client: overTls(), sseCustomerKey: key.toString("base64") }).objectIdentity.options).toEqual({ sseCustomerKey: `SHA256 ${sha256}` });
    expect(() => azureTarget({ container: "tapes", blob: "t.tar", client: overTls(), sseCustomerKey: randomBytes(16) })).toThrow(/the sseCustomerKey option must be a 256-bit key/);
    expect(() => azureTarget({ container: "tapes", blob: "t.tar", client: overTls(), sseCustomerKey: key, encryptionScope: "scope1" })).toThrow(/cannot go with the encryptionScope option/);
    expect(() => azureTarget({ container: "tapes", blob: "t.tar", client: capturingClient([]), sseCustomerKey: key })).toThrow(/over HTTPS only, and http:\/\/127\.0\.0\.1:9\/devstoreaccount1 is not an https:\/\/ endpoint/);
  });
});
