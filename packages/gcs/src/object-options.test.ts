import { describe, expect, it } from "vitest";
import { checkGcsObjectOptions, composedResource, gcsIdentityOptions } from "./object-options.js";

describe("GCS object options", () => {
  it("spell the class as GCS does and become the compose's destination resource, tartape's metadata winning", () => {
    const options = checkGcsObjectOptions({ storageClass: "coldline", metadata: { owner: "ops" }, contentType: "x/y" });
    expect(composedResource(options, { "tartape-fingerprint": "f" })).toEqual({ contentType: "x/y", storageClass: "COLDLINE", metadata: { owner: "ops", "tartape-fingerprint": "f" } });
    expect(composedResource({}, {})).toEqual({ contentType: "application/x-tar", metadata: {} });
    expect(gcsIdentityOptions(options)).toEqual({ storageClass: "COLDLINE", metadata: "owner=ops", contentType: "x/y" });
  });

  it("refuse what GCS would refuse, in option words", () => {
    expect(() => checkGcsObjectOptions({ storageClass: "GLACIER" })).toThrow(/not a Cloud Storage class for the storageClass option/);
    expect(() => checkGcsObjectOptions({ metadata: { "tartape-crc32c": "x" } })).toThrow(/tartape keeps for its own/);
    expect(() => checkGcsObjectOptions({ kmsKeyName: "my-key" })).toThrow(/not a Cloud KMS key name for the kmsKeyName option/);
    expect(() => checkGcsObjectOptions({ kmsKeyName: "projects/p/locations/eu/keyRings/r/cryptoKeys/k" })).not.toThrow();
  });
});
