import { Storage } from "@google-cloud/storage";
import { afterEach, describe, expect, it } from "vitest";
import { createStorage, describeEndpoint, EMULATOR_HOST_ENV, endpointQualifier, parseEndpoint } from "./client.js";

const savedEmulatorHost = process.env[EMULATOR_HOST_ENV];
afterEach(() => {
  if (savedEmulatorHost === undefined) delete process.env[EMULATOR_HOST_ENV];
  else process.env[EMULATOR_HOST_ENV] = savedEmulatorHost;
});

describe("createStorage", () => {
  it("points every call at a custom endpoint, without credentials, and turns the client's retries off", () => {
    delete process.env[EMULATOR_HOST_ENV];
    const storage = createStorage({ apiEndpoint: "http://127.0.0.1:4443/" });
    expect(storage.apiEndpoint).toBe("http://127.0.0.1:4443");
    expect(storage.baseUrl).toBe("http://127.0.0.1:4443/storage/v1");
    expect(storage.customEndpoint).toBe(true);
    expect(storage.useAuthWithCustomEndpoint).toBe(false);
    expect(storage.retryOptions.autoRetry).toBe(false);
  });

  it("keeps credentials for a googleapis.com endpoint (e.g. Private Service Connect), unless told otherwise", () => {
    expect(createStorage({ apiEndpoint: "https://storage-myendpoint.p.googleapis.com" }).useAuthWithCustomEndpoint).toBe(true);
    expect(createStorage({ apiEndpoint: "https://storage-myendpoint.p.googleapis.com", useAuthWithCustomEndpoint: false }).useAuthWithCustomEndpoint).toBe(false);
    expect(createStorage({ apiEndpoint: "http://emulator:4443", useAuthWithCustomEndpoint: true }).useAuthWithCustomEndpoint).toBe(true);
  });

  it("uses Google's endpoint by default", () => {
    delete process.env[EMULATOR_HOST_ENV];
    const storage = createStorage({ projectId: "p" });
    expect(storage.apiEndpoint).toBe("https://storage.googleapis.com");
    expect(storage.customEndpoint).toBe(false);
  });

  it("takes STORAGE_EMULATOR_HOST as the default endpoint, with the JSON API path the library leaves out", () => {
    process.env[EMULATOR_HOST_ENV] = "http://localhost:9023";
    // What the library alone makes of it: JSON calls to the bare host, which fake-gcs-server answers 404.
    expect(new Storage().baseUrl).toBe("http://localhost:9023");
    const storage = createStorage({});
    expect(storage.baseUrl).toBe("http://localhost:9023/storage/v1");
    expect(storage.apiEndpoint).toBe("http://localhost:9023");
  });

  it("an explicit endpoint wins over STORAGE_EMULATOR_HOST for every call", () => {
    process.env[EMULATOR_HOST_ENV] = "http://localhost:9023";
    const storage = createStorage({ apiEndpoint: "http://127.0.0.1:4443" });
    expect(storage.baseUrl).toBe("http://127.0.0.1:4443/storage/v1");
    expect(storage.apiEndpoint).toBe("http://127.0.0.1:4443");
  });
});

describe("endpoints", () => {
  it("assume https without a scheme, as the library does", () => {
    expect(parseEndpoint("localhost:4443").href).toBe("https://localhost:4443/");
  });

  it("refuse what is not an http(s) URL with TARGET_URL_INVALID", () => {
    expect(() => parseEndpoint("http://[::1")).toThrow(expect.objectContaining({ code: "TARGET_URL_INVALID" }));
    expect(() => parseEndpoint("ftp://host")).toThrow(expect.objectContaining({ code: "TARGET_URL_INVALID" }));
  });

  it("qualify the target id only for an endpoint other than Google's", () => {
    expect(endpointQualifier("https://storage.googleapis.com")).toBe("");
    expect(endpointQualifier("http://127.0.0.1:4443")).toBe("?endpoint=127.0.0.1:4443");
    expect(endpointQualifier("https://gateway.example.com/gcs/")).toBe("?endpoint=gateway.example.com/gcs");
  });

  it("are named in messages as the user gave them", () => {
    expect(describeEndpoint("https://storage.googleapis.com")).toBe("Google Cloud Storage");
    expect(describeEndpoint("http://127.0.0.1:4443")).toBe("http://127.0.0.1:4443");
  });
});
