import { StorageSharedKeyCredential } from "@azure/storage-blob";
import { TartapeError } from "@tartape/core";
import { afterEach, describe, expect, it, vi } from "vitest";
import { azureTarget } from "./azure-target.js";

// Azurite's published development key: not a secret.
const KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
const CONNECTION_STRING = `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${KEY};BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;`;

function thrown(make: () => unknown): TartapeError {
  try {
    make();
  } catch (err) {
    expect(err).toBeInstanceOf(TartapeError);
    return err as TartapeError;
  }
  throw new Error("nothing was thrown");
}

afterEach(() => vi.unstubAllEnvs());

describe("azureTarget construction (no request is sent)", () => {
  it("names the destination az://account/container/blob and keeps the limits", () => {
    const target = azureTarget({ container: "backups", blob: "2024/photos.tar", connectionString: CONNECTION_STRING, partSize: 8 * 1024 * 1024 });
    expect(target.id).toBe("az://devstoreaccount1/backups/2024/photos.tar");
    expect(target.partSize).toBe(8 * 1024 * 1024);
    expect(target.limits).toEqual({ minPartSize: 1, maxPartSize: 4000 * 1024 * 1024, maxParts: 50_000 });
    expect(azureTarget({ container: "backups", blob: "x", connectionString: CONNECTION_STRING, limits: { maxParts: 3 } }).limits.maxParts).toBe(3);
  });

  it("derives the endpoint from a shared key credential and keeps a SAS token out of id and location", () => {
    const byKey = azureTarget({ container: "backups", blob: "x.tar", credential: new StorageSharedKeyCredential("myaccount", KEY) });
    expect(byKey.id).toBe("az://myaccount/backups/x.tar");
    expect(byKey.location).toBe("https://myaccount.blob.core.windows.net/backups/x.tar");
    const bySas = azureTarget({ container: "backups", blob: "x.tar", url: "https://myaccount.blob.core.windows.net?sv=2024-01-01&sig=SECRET" });
    expect(bySas.id).toBe("az://myaccount/backups/x.tar");
    expect(bySas.location).not.toContain("SECRET");
  });

  it("falls back to AZURE_STORAGE_CONNECTION_STRING", () => {
    vi.stubEnv("AZURE_STORAGE_CONNECTION_STRING", CONNECTION_STRING);
    expect(azureTarget({ container: "backups", blob: "x.tar" }).id).toBe("az://devstoreaccount1/backups/x.tar");
  });

  it.each(["garbage", "AccountName=x;AccountKey=y", ""])("refuses the connection string %j with INVALID_ARGUMENT, without echoing it", (connectionString) => {
    const err = thrown(() => azureTarget({ container: "backups", blob: "x.tar", connectionString }));
    expect(err.code).toBe("INVALID_ARGUMENT");
    expect(err.message).toMatch(/connection string given as connectionString is not valid/);
    if (connectionString) expect(err.message).not.toContain(connectionString);
  });

  it("refuses to guess when no credentials are given, or several", () => {
    vi.stubEnv("AZURE_STORAGE_CONNECTION_STRING", "");
    expect(thrown(() => azureTarget({ container: "backups", blob: "x.tar" })).message).toMatch(/No Azure Storage credentials/);
    expect(thrown(() => azureTarget({ container: "backups", blob: "x.tar", connectionString: CONNECTION_STRING, url: "https://a.blob.core.windows.net" })).message).toMatch(/only one/);
    expect(thrown(() => azureTarget({ container: "backups", blob: "x.tar", url: "not a url" })).message).toMatch(/is not a URL/);
  });

  it("refuses invalid container and blob names", () => {
    expect(thrown(() => azureTarget({ container: "Backups", blob: "x", connectionString: CONNECTION_STRING })).message).toMatch(/lowercase/);
    expect(thrown(() => azureTarget({ container: "backups", blob: "", connectionString: CONNECTION_STRING })).message).toMatch(/is empty/);
  });
});
