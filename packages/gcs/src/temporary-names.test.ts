import { describe, expect, it } from "vitest";
import { nodeName, partName, partNumberOf, temporaryOf, TEMPORARY_NAME_OVERHEAD, temporaryRoot, uploadPrefix } from "./temporary-names.js";

const FINGERPRINT = "0123456789abcdef0123456789abcdef";

describe("temporary object names", () => {
  it("derive from the key and the first 16 hex of the fingerprint", () => {
    expect(uploadPrefix("backups/data.tar", FINGERPRINT)).toBe("backups/data.tar.tartape/0123456789abcdef/");
    expect(uploadPrefix("backups/data.tar", FINGERPRINT).startsWith(temporaryRoot("backups/data.tar"))).toBe(true);
  });

  it("differ for two tapes to the same key", () => {
    expect(uploadPrefix("k", FINGERPRINT)).not.toBe(uploadPrefix("k", "f" + FINGERPRINT.slice(1)));
  });

  it("name parts with six digits and read the number back", () => {
    const prefix = uploadPrefix("k", FINGERPRINT);
    expect(partName(prefix, 7)).toBe(`${prefix}part-000007`);
    expect(partNumberOf(prefix, partName(prefix, 7))).toBe(7);
    expect(partNumberOf(prefix, partName(prefix, 10_000))).toBe(10_000);
  });

  it("do not take intermediates, other prefixes or malformed names for parts", () => {
    const prefix = uploadPrefix("k", FINGERPRINT);
    expect(partNumberOf(prefix, nodeName(prefix, { kind: "intermediate", level: 1, index: 3 }))).toBeNull();
    expect(partNumberOf(prefix, `${uploadPrefix("k", "f".repeat(32))}part-000001`)).toBeNull();
    expect(partNumberOf(prefix, `${prefix}part-1`)).toBeNull();
    expect(partNumberOf(prefix, `${prefix}part-000000`)).toBeNull();
    expect(partNumberOf(prefix, `${prefix}part-000001x`)).toBeNull();
  });

  it("name intermediates by level and index, parts as parts", () => {
    const prefix = uploadPrefix("k", FINGERPRINT);
    expect(nodeName(prefix, { kind: "intermediate", level: 2, index: 13 })).toBe(`${prefix}compose-2-000013`);
    expect(nodeName(prefix, { kind: "part", number: 3 })).toBe(partName(prefix, 3));
  });

  it("add a bounded number of bytes to the key", () => {
    expect(Buffer.byteLength(nodeName(uploadPrefix("", FINGERPRINT), { kind: "intermediate", level: 9, index: 999_999 }))).toBeLessThanOrEqual(TEMPORARY_NAME_OVERHEAD);
  });

  it("are told from other names by temporaryOf, which gives their key and upload id", () => {
    const prefix = uploadPrefix("dir/k.tar", FINGERPRINT);
    expect(temporaryOf(partName(prefix, 12))).toEqual({ key: "dir/k.tar", uploadId: prefix });
    expect(temporaryOf(nodeName(prefix, { kind: "intermediate", level: 2, index: 1 }))).toEqual({ key: "dir/k.tar", uploadId: prefix });
    for (const other of ["dir/k.tar", "dir/k.tar.tartape-catalog", `${prefix}part-1`, `${prefix}notes.txt`, "k.tartape/0123/part-000001", `dir/k.tar.tartape/${"A".repeat(16)}/part-000001`]) {
      expect(temporaryOf(other)).toBeNull();
    }
  });
});
