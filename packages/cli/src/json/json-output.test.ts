/** Each command's --json output, from the real executable, against the schema docs/json-output.md documents. */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, runTartape, tempDir, writeTree, type CliRun } from "../../test-support/cli.js";
import { uploadUntil, writeBigTree } from "../../test-support/interrupted-upload.js";
import { documentedSchemas } from "./documented-schemas.js";
import { schemaErrors } from "./schema-check.js";

let root: string;
const schemas = documentedSchemas();
beforeAll(() => {
  assertBuilt();
  root = tempDir("json");
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

/** stdout is exactly one JSON document, and it matches the schema named. */
function documentOf(run: CliRun, schema: string): Record<string, unknown> {
  const doc = JSON.parse(run.out) as Record<string, unknown>;
  const documented = schemas.get(schema);
  expect(documented, `docs/json-output.md has a \`\`\`json ${schema} block`).toBeDefined();
  expect(schemaErrors(doc, documented!)).toEqual([]);
  return doc;
}

function tree(name: string): string {
  const dir = path.join(root, name);
  writeTree(dir, { "a.txt": "a".repeat(20_000), "b/c.bin": Buffer.alloc(50_000, 3), "b/new\nline.txt": "n", "ln": "->a.txt" });
  return dir;
}

describe("--json", () => {
  it("documents a schema for every command", () => {
    expect([...schemas.keys()].sort()).toEqual(["abort", "cleanup", "error", "ls", "progress-line", "status", "upload", "upload-dry-run", "verify"]);
  });

  it("upload prints one document (the recording summary goes to stderr), and JSON progress lines with --progress=json", async () => {
    const dir = tree("upload");
    const dest = path.join(root, "upload.tar");
    const run = await runTartape(["upload", dir, dest, "--part-size", "16KiB", "--json", "--progress=json"]);
    expect(run.code).toBe(0);
    const doc = documentOf(run, "upload");
    expect(doc).toMatchObject({ command: "upload", ok: true, status: "completed", targetId: `file://${dest}`, partCount: 5, partsUploaded: 5 });
    expect(run.stderr).toContain(`Recorded ${dir}`);
    const lines = run.stderr.split("\n").filter((l) => l.startsWith("{"));
    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const line of lines) expect(schemaErrors(JSON.parse(line), schemas.get("progress-line")!)).toEqual([]);
    expect(JSON.parse(lines.filter((l) => l.includes('"progress"')).at(-1)!)).toMatchObject({ bytesDone: doc.totalSize, partsDone: 5 });

    const again = documentOf(await runTartape(["upload", dir, dest, "--json", "--progress=none"]), "upload");
    expect(again).toMatchObject({ status: "already-complete", partsUploaded: 0 });
  });

  it("upload --dry-run prints the plan and writes nothing at the destination", async () => {
    const dir = tree("dry");
    const dest = path.join(root, "dry.tar");
    const doc = documentOf(await runTartape(["upload", dir, dest, "--part-size", "16KiB", "--dry-run", "--json"]), "upload-dry-run");
    expect(doc).toMatchObject({ dryRun: true, state: "new", partCount: 5, partsToSend: 5, partsOnServer: 0, bytesToSend: doc.totalSize });
    expect(fs.readdirSync(root).filter((name) => name.includes("dry.tar"))).toEqual([]);
    const status = documentOf(await runTartape(["status", dir, "--json"]), "status");
    expect(status.uploads).toEqual([]);
  });

  it("status, ls, verify and abort print one document each", async () => {
    const dir = tree("others");
    const dest = path.join(root, "others.tar");
    expect((await runTartape(["upload", dir, dest])).code).toBe(0);

    const status = documentOf(await runTartape(["status", dir, "--json"]), "status");
    expect(status.uploads).toEqual([expect.objectContaining({ targetId: `file://${dest}`, status: "completed", currentTape: true })]);

    const ls = documentOf(await runTartape(["ls", dir, "--json"]), "ls");
    const entries = ls.entries as Array<Record<string, unknown>>;
    expect(entries.map((e) => e.path)).toEqual(["others", "others/a.txt", "others/b", "others/b/c.bin", "others/b/new\nline.txt", "others/ln"]);
    expect(entries.at(-1)).toMatchObject({ kind: "symlink", linkTarget: "a.txt" });

    expect(documentOf(await runTartape(["verify", dir, "--json", "--deep"]), "verify")).toMatchObject({ ok: true, deep: true, checked: 6 });
    fs.writeFileSync(path.join(dir, "a.txt"), "changed");
    const verify = await runTartape(["verify", dir, "--json", "--deep"]);
    expect(verify.code).toBe(1);
    const differs = documentOf(verify, "verify");
    expect(differs.ok).toBe(false);
    expect(differs.differences).toEqual([expect.objectContaining({ path: path.join(dir, "a.txt"), kind: "file", change: "size" })]);

    const abort = documentOf(await runTartape(["abort", dir, path.join(root, "nowhere.tar"), "--json"]), "abort");
    expect(abort).toMatchObject({ aborted: false, unrecorded: [], otherOptions: [] });
  });

  it("abort of an upload in progress names the upload aborted; a resume refused is an error document", async () => {
    const dir = path.join(root, "killed");
    writeBigTree(dir, 6);
    const dest = path.join(root, "killed.tar");
    const killed = await uploadUntil(dir, dest, path.join(root, "killed.jsonl"), { afterParts: 1, signal: "SIGKILL", extra: ["--part-size", "1MiB", "--concurrency", "1"] });
    expect(killed.run.signal).toBe("SIGKILL");
    // A file changed since the parts uploaded so far: the resume stops, as an error document.
    fs.writeFileSync(path.join(dir, "new.txt"), "new");
    expect((await runTartape(["record", dir, "--force"])).code).toBe(0);
    const failed = await runTartape(["upload", dir, dest, "--json"]);
    expect(failed.code).toBe(1);
    expect(documentOf(failed, "error")).toMatchObject({ ok: false, error: { code: "TAPE_CHANGED", exitCode: 1 } });

    const abort = documentOf(await runTartape(["abort", dir, dest, "--json"]), "abort");
    expect(abort).toMatchObject({ aborted: true, targetId: `file://${dest}`, uploadId: expect.any(String) });
  });

  it("a failure is an error document on stdout, with the exit code it would have anyway", async () => {
    const missing = path.join(root, "not-recorded");
    fs.mkdirSync(missing);
    for (const command of ["status", "ls", "verify"]) {
      const run = await runTartape([command, missing, "--json"]);
      expect(run.code).toBe(2);
      expect(documentOf(run, "error")).toMatchObject({ command, ok: false, error: { code: "INDEX_NOT_FOUND", exitCode: 2 } });
      expect(run.stderr).toMatch(/^tartape: No tape is recorded/);
    }
    // cleanup's own document is checked against real servers (integration/test/cleanup-scenario.ts); its errors here.
    const age = await runTartape(["cleanup", "s3://bucket/prefix/", "--older-than", "7", "--json"]);
    expect(age.code).toBe(2);
    expect(documentOf(age, "error")).toMatchObject({ command: "cleanup", ok: false, error: { code: "INVALID_ARGUMENT", exitCode: 2 } });
    expect(age.stderr).toBe("tartape: Invalid --older-than '7': use a whole number with a unit, s, m, h, d or w (e.g. 0s, 90m, 7d).\n");
    const where = await runTartape(["cleanup", "file:///tmp/x", "--older-than", "1d", "--json"]);
    expect(documentOf(where, "error")).toMatchObject({ command: "cleanup", error: { code: "TARGET_URL_INVALID", exitCode: 2 } });
    const usage = await runTartape(["upload", missing, path.join(root, "x.tar"), "--json", "--concurrency"]);
    expect(usage.code).toBe(2);
    expect(documentOf(usage, "error")).toMatchObject({ command: "upload", error: { code: "USAGE" } });
  });
});
