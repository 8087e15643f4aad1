import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { classifyDestination } from "./destination.js";

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "tartape-dest-"));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

describe("classifyDestination", () => {
  it.each([
    ["s3://bucket/key.tar", "s3"],
    ["S3://bucket/key.tar", "s3"],
    ["az://container/blob.tar", "az"],
    ["gs://bucket/a/b.tar", "gs"],
  ])("%s goes to the %s provider, URL untouched", (url, kind) => {
    expect(classifyDestination(url)).toEqual({ kind, url });
  });

  it("resolves a relative local path against the working directory", () => {
    expect(classifyDestination("out/x.tar")).toEqual({ kind: "file", path: path.resolve("out/x.tar") });
  });

  it("reads file:// URLs, percent-decoding them", () => {
    expect(classifyDestination("file:///tmp/my%20tape.tar")).toEqual({ kind: "file", path: "/tmp/my tape.tar" });
  });

  it.each([
    ["", /it is empty/],
    ["ftp://host/x.tar", /the scheme 'ftp:\/\/' is not supported.*s3:\/\/bucket\/key/],
    ["http://host/x.tar", /'http:\/\/' is not supported/],
    ["s3:bucket/key", /write s3:\/\/ with both slashes/],
    ["gs:/bucket/key", /write gs:\/\/ with both slashes/],
    ["file://relative/x.tar", /file:\/\/\/absolute/],
  ])("refuses %j", (url, message) => {
    expect(() => classifyDestination(url)).toThrow(message);
  });

  it("refuses an existing directory and suggests a file in it", () => {
    expect(() => classifyDestination(scratch)).toThrow(`is a directory; name the file to write, e.g. ${path.join(scratch, "tape.tar")}`);
  });

  it("carries the stable code TARGET_URL_INVALID", () => {
    expect(() => classifyDestination("ftp://x/y")).toThrow(expect.objectContaining({ code: "TARGET_URL_INVALID" }));
  });
});
