import { spawnSync } from "node:child_process";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { assertBuilt } from "../../test-support/cli.js";

beforeAll(() => assertBuilt());

describe("quietMetadataWarning", () => {
  it("leaves out Google's MetadataLookupWarning and prints every other warning", () => {
    // In a process of its own: it replaces the process's warning printer.
    const built = pathToFileURL(path.resolve(import.meta.dirname, "../../dist/targets/quiet-metadata-warning.js")).href;
    const script =
      `const { quietMetadataWarning } = await import(${JSON.stringify(built)}); quietMetadataWarning();` +
      `const meta = new Error("received unexpected error = All promises were rejected"); meta.name = "MetadataLookupWarning"; process.emitWarning(meta);` +
      `process.emitWarning("something else", "OtherWarning");`;
    const run = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
    expect(run.status).toBe(0);
    expect(run.stderr).toBe(`(node:${run.pid}) OtherWarning: something else\n`);
  });
});
