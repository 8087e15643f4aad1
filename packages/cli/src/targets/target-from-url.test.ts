import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { FileTarget } from "@tartape/core";
import { targetFromUrl } from "./target-from-url.js";

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "tartape-target-"));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

describe("targetFromUrl", () => {
  it("makes a local-file target from a path, with the part size", async () => {
    const target = await targetFromUrl(path.join(scratch, "a.tar"), { partSize: 8192 });
    expect(target).toBeInstanceOf(FileTarget);
    expect(target.id).toBe(`file://${path.join(scratch, "a.tar")}`);
    expect(target.partSize).toBe(8192);
  });

  it("gives a path and its file:// URL the same identity, so either resumes the other's upload", async () => {
    const file = path.join(scratch, "same.tar");
    expect((await targetFromUrl(`file://${file}`)).id).toBe((await targetFromUrl(file)).id);
  });

  it.each([
    [{ connectionString: "x" }, /--connection-string does not apply to .*a local file.*az:\/\/ destinations only/],
    [{ endpoint: "http://127.0.0.1:9000" }, /--endpoint does not apply to .*s3:\/\/ and gs:\/\//],
    [{ region: "eu-west-1" }, /--region does not apply/],
    [{ pathStyle: true }, /--path-style does not apply/],
    [{ checksum: "crc32" }, /--checksum does not apply/],
  ])("refuses flags that mean nothing for a local file: %j", async (options, message) => {
    await expect(targetFromUrl(path.join(scratch, "b.tar"), options)).rejects.toThrow(message);
  });

  it("refuses Azure-only flags for S3 and S3-only flags for Azure", async () => {
    await expect(targetFromUrl("s3://bucket/key", { connectionString: "x" })).rejects.toThrow(/--connection-string does not apply to 's3:\/\/bucket\/key'/);
    await expect(targetFromUrl("az://container/blob", { region: "x" })).rejects.toThrow(/--region does not apply to 'az:\/\/container\/blob'/);
  });

  it("lets the S3 package refuse a URL without a key", async () => {
    await expect(targetFromUrl("s3://bucket")).rejects.toThrow(expect.objectContaining({ code: "TARGET_URL_INVALID" }));
  });

  it("lets the Azure package refuse a URL without a blob", async () => {
    await expect(targetFromUrl("az://container")).rejects.toThrow(expect.objectContaining({ code: "TARGET_URL_INVALID" }));
  });

  it("builds an S3 target from the URL, the flags and the AWS environment, without touching the network", async () => {
    const target = await targetFromUrl("s3://my-bucket/backups/a.tar", { partSize: 8 * 1024 * 1024 }, {
      AWS_ENDPOINT_URL: "http://127.0.0.1:9",
      AWS_ACCESS_KEY_ID: "id",
      AWS_SECRET_ACCESS_KEY: "secret",
      AWS_REGION: "eu-west-1",
    });
    expect(target.id).toContain("my-bucket");
    expect(target.id).toContain("backups/a.tar");
    expect(target.partSize).toBe(8 * 1024 * 1024);
  });

  it("passes --checksum to the S3 target, checked", async () => {
    const env = { AWS_ENDPOINT_URL: "http://127.0.0.1:9", AWS_ACCESS_KEY_ID: "id", AWS_SECRET_ACCESS_KEY: "secret" };
    expect((await targetFromUrl("s3://b-1/a.tar", { checksum: "md5" }, env)).id).toContain("checksum=md5");
    await expect(targetFromUrl("s3://b-1/a.tar", { checksum: "sha1" }, env)).rejects.toThrow('--checksum must be md5 or crc32, not "sha1".');
  });

  it("builds an Azure target from a connection string flag", async () => {
    const connectionString =
      "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;";
    const target = await targetFromUrl("az://tapes/a.tar", { connectionString }, {});
    expect(target.id).toBe("az://devstoreaccount1/tapes/a.tar");
  });

  it("says which Azure credentials are missing when there are none", async () => {
    await expect(targetFromUrl("az://tapes/a.tar", {}, {})).rejects.toThrow(/AZURE_STORAGE_CONNECTION_STRING/);
  });

  it("lets the GCS package refuse a URL without a key", async () => {
    await expect(targetFromUrl("gs://bucket")).rejects.toThrow(expect.objectContaining({ code: "TARGET_URL_INVALID" }));
  });

  it("builds a GCS target for an emulator from STORAGE_EMULATOR_HOST, and --endpoint wins over it", async () => {
    const fromEnv = await targetFromUrl("gs://tapes/a.tar", { partSize: 1024 * 1024 }, { STORAGE_EMULATOR_HOST: "http://127.0.0.1:4443" });
    expect(fromEnv.id).toMatch(/^gs:\/\/tapes\/a\.tar.*127\.0\.0\.1:4443/);
    expect(fromEnv.partSize).toBe(1024 * 1024);
    const fromFlag = await targetFromUrl("gs://tapes/a.tar", { endpoint: "http://127.0.0.1:5555" }, { STORAGE_EMULATOR_HOST: "http://127.0.0.1:4443" });
    expect(fromFlag.id).toMatch(/127\.0\.0\.1:5555/);
  });

  it("refuses S3-only flags for GCS", async () => {
    await expect(targetFromUrl("gs://tapes/a.tar", { pathStyle: true })).rejects.toThrow(/--path-style does not apply to 'gs:\/\/tapes\/a\.tar' \(a gs:\/\/ URL\)/);
  });
});
