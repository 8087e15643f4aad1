import { TargetError } from "@tartape/core";
import { describe, expect, it } from "vitest";
import { parseAzureUrl } from "./azure-url.js";

function failure(url: string): TargetError {
  try {
    parseAzureUrl(url);
  } catch (err) {
    return err as TargetError;
  }
  throw new Error(`${url} was accepted`);
}

describe("parseAzureUrl", () => {
  it("splits the container from the blob, which may hold slashes", () => {
    expect(parseAzureUrl("az://backups/photos.tar")).toEqual({ container: "backups", blob: "photos.tar" });
    expect(parseAzureUrl("az://backups/2024/june/photos.tar")).toEqual({ container: "backups", blob: "2024/june/photos.tar" });
    expect(parseAzureUrl("az://$root/top.tar")).toEqual({ container: "$root", blob: "top.tar" });
    expect(parseAzureUrl("az://a-1/b c.tar")).toEqual({ container: "a-1", blob: "b c.tar" });
  });

  it.each([
    ["s3://bucket/key", /must start with az:\/\//],
    ["az://backups", /blob name is missing/],
    ["az://backups/", /blob name is empty/],
    ["az:///photos.tar", /container name '' must be 3 to 63/],
    ["az://ab/x", /must be 3 to 63/],
    ["az://Backups/x", /lowercase/],
    ["az://-backups/x", /start and end/],
    ["az://back--ups/x", /two hyphens/],
    ["az://backups/dir/", /must not end/],
    ["az://backups/x.tar?sv=2024&sig=secret", /query or fragment/],
  ])("rejects %s with TARGET_URL_INVALID", (url, why) => {
    const err = failure(url);
    expect(err).toBeInstanceOf(TargetError);
    expect(err.code).toBe("TARGET_URL_INVALID");
    expect(err.message).toMatch(why);
    expect(err.message).toContain("az://<container>/<blob>");
  });

  it("rejects blob names over 1024 characters", () => {
    expect(failure(`az://backups/${"x".repeat(1025)}`).message).toMatch(/longer than 1024/);
    expect(parseAzureUrl(`az://backups/${"x".repeat(1024)}`).blob).toHaveLength(1024);
  });
});
