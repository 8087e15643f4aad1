import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, runTartape, tempDir, writeTree } from "../../test-support/cli.js";
import { countEvents, uploadUntil, writeBigTree } from "../../test-support/interrupted-upload.js";
import { resumeCommandFor } from "./upload.js";

let root: string;
beforeAll(() => {
  assertBuilt();
  root = tempDir("upload");
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

/** `cmp` the uploaded file with what `tartape cat` writes. */
async function expectSameAsCat(dir: string, file: string, catFlags: string[] = []): Promise<void> {
  const cat = await runTartape(["cat", dir, ...catFlags]);
  const catFile = `${file}.cat`;
  fs.writeFileSync(catFile, cat.stdout);
  const cmp = spawnSync("cmp", [catFile, file], { encoding: "utf8" });
  expect(cmp.stdout + cmp.stderr).toBe("");
  expect(cmp.status).toBe(0);
}

let trees = 0;
function smallTree(name: string): string {
  const dir = path.join(root, `${name}-${++trees}`);
  writeTree(dir, { "a.txt": "a".repeat(20_000), "b/c.bin": Buffer.alloc(50_000, 3), "b/d.txt": "d", "ln": "->a.txt" });
  return dir;
}

describe("tartape upload to a local file", () => {
  it("records the tape if needed, uploads it in parts, and the file is exactly the tape", async () => {
    const dir = smallTree("first");
    const dest = path.join(root, "first.tar");
    const events = path.join(root, "first.jsonl");
    const run = await runTartape(["upload", dir, dest, "--part-size", "16KiB", "--concurrency", "3", "--event-log", events]);
    expect(run.stderr).toContain(`Uploading ${dir} to file://${dest}\n`);
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/^Recorded /);
    expect(run.out).toContain(`Upload complete: ${dir} -> file://${dest}`);
    expect(run.out).toMatch(/parts +5 of 16 KiB: 5 uploaded, 0 skipped/);
    // Not a terminal: plain progress lines, not a bar.
    expect(run.stderr).toMatch(/^progress +\d+% \| /m);
    expect(run.stderr).not.toContain("\u001b[");
    await expectSameAsCat(dir, dest);

    expect(countEvents(events, "upload-created")).toBe(1);
    expect(countEvents(events, "part-start")).toBe(5);
    expect(countEvents(events, "part-done")).toBe(5);
    expect(countEvents(events, "completing")).toBe(1);
    const first = JSON.parse(fs.readFileSync(events, "utf8").split("\n")[0]!) as Record<string, unknown>;
    expect(first).toMatchObject({ pid: expect.any(Number), time: expect.any(String), type: "upload-created" });
  });

  it("says 'already complete' and sends nothing the second time", async () => {
    const dir = smallTree("twice");
    const dest = path.join(root, "twice.tar");
    expect((await runTartape(["upload", dir, dest])).code).toBe(0);
    const events = path.join(root, "twice.jsonl");
    const again = await runTartape(["upload", dir, dest, "--event-log", events]);
    expect(again.code).toBe(0);
    expect(again.out).toContain(`Already complete: file://${dest} holds this tape`);
    expect(again.out).toMatch(/0 uploaded, \d+ skipped/);
    expect(countEvents(events, "part-start")).toBe(0);
  });

  it("uploads everything again with --restart", async () => {
    const dir = smallTree("restart");
    const dest = path.join(root, "restart.tar");
    expect((await runTartape(["upload", dir, dest, "--part-size", "32KiB"])).code).toBe(0);
    const again = await runTartape(["upload", dir, dest, "--part-size", "32KiB", "--restart"]);
    expect(again.code).toBe(0);
    expect(again.out).toMatch(/Upload complete: .*\n.*\n +parts +3 of 32 KiB: 3 uploaded, 0 skipped/);
    await expectSameAsCat(dir, dest);
  });

  it("takes a file:// URL and an index kept elsewhere", async () => {
    const dir = smallTree("url");
    const dest = path.join(root, "url dest.tar");
    const index = path.join(root, "url-index", "i.db");
    const run = await runTartape(["upload", dir, `file://${dest.replace(/ /g, "%20")}`, "--index", index]);
    expect(run.code).toBe(0);
    expect(fs.existsSync(index)).toBe(true);
    expect(fs.existsSync(path.join(dir, ".tartape"))).toBe(false);
    await expectSameAsCat(dir, dest, ["--index", index]);
  });

  it("records with the exclude flags when it records, and says when an existing tape used another list", async () => {
    const fresh = smallTree("exclude-fresh");
    const run = await runTartape(["upload", fresh, path.join(root, "exclude-fresh.tar"), "--exclude", "*.bin"]);
    expect(run.code).toBe(0);
    expect((await runTartape(["ls", fresh])).out).not.toContain("c.bin");

    const recorded = smallTree("exclude-recorded");
    expect((await runTartape(["record", recorded])).code).toBe(0);
    const later = await runTartape(["upload", recorded, path.join(root, "exclude-recorded.tar"), "--exclude", "*.bin"]);
    expect(later.code).toBe(0);
    expect(later.stderr).toMatch(/^Note: the tape was recorded with the exclude list \[\.DS_Store, .*\]; exclude flags apply only when recording\./m);
    expect((await runTartape(["ls", recorded])).out).toContain("c.bin");
    // Without exclude flags there is nothing to point out.
    const plain = await runTartape(["upload", recorded, path.join(root, "exclude-recorded-2.tar")]);
    expect(plain.stderr).not.toContain("Note:");
  });

  it("resumes after SIGKILL: parts acknowledged before the kill are not sent again", async () => {
    const dir = path.join(root, "killed");
    writeBigTree(dir, 40);
    const dest = path.join(root, "killed.tar");
    const events = path.join(root, "killed.jsonl");
    const killed = await uploadUntil(dir, dest, events, { afterParts: 3, signal: "SIGKILL", extra: ["--part-size", "1MiB", "--concurrency", "2"] });
    expect(killed.run.signal).toBe("SIGKILL");
    expect(fs.existsSync(dest)).toBe(false);
    const startsBefore = countEvents(events, "part-start");

    const resumed = await runTartape(["upload", dir, dest, "--part-size", "1MiB", "--event-log", events]);
    expect(resumed.code).toBe(0);
    const skipped = Number(/(\d+) skipped/.exec(resumed.out)?.[1]);
    expect(skipped).toBeGreaterThanOrEqual(killed.partsDoneAtSignal);
    expect(resumed.stderr).toMatch(/Resuming upload .*: \d+ part\(s\) already at the destination/);
    expect(resumed.out).toMatch(/skipped by resume/);
    // Every part started once, plus at most the ones in flight when the process died.
    const partCount = Number(/parts +(\d+) of/.exec(resumed.out)?.[1]);
    expect(countEvents(events, "part-start") - startsBefore).toBe(partCount - skipped);
    await expectSameAsCat(dir, dest);
  });

  it("stops cleanly on Ctrl-C (exit 130) and says how to resume", async () => {
    const dir = path.join(root, "sigint");
    writeBigTree(dir, 40);
    const dest = path.join(root, "sigint.tar");
    const events = path.join(root, "sigint.jsonl");
    const stopped = await uploadUntil(dir, dest, events, { afterParts: 2, signal: "SIGINT", extra: ["--part-size", "1MiB", "--concurrency", "2", "--restart"] });
    expect(stopped.run.stderr).toMatch(/SIGINT: stopping the parts in flight/);
    expect(stopped.run.stderr).toMatch(/tartape: Interrupted by SIGINT\. \d+ of \d+ part\(s\) are uploaded and recorded in the index\. Run the same command again to resume:\n {2}tartape upload /);
    // The resume hint must not carry --restart, which would start over.
    expect(stopped.run.stderr).not.toMatch(/resume:\n.*--restart/);
    expect(stopped.run.code).toBe(130);

    const resumed = await runTartape(["upload", dir, dest, "--part-size", "1MiB"]);
    expect(resumed.code).toBe(0);
    expect(Number(/(\d+) skipped/.exec(resumed.out)?.[1])).toBeGreaterThanOrEqual(stopped.partsDoneAtSignal);
    await expectSameAsCat(dir, dest);
  });
});

describe("tartape upload refuses bad input before sending anything", () => {
  it.each([
    [["--part-size", "12XB"], 2, /^tartape: Invalid --part-size '12XB': write a number of bytes with an optional unit, e\.g\. 64MiB, 5MB, 1048576 or 1g/],
    [["--part-size", "0"], 2, /^tartape: Invalid --part-size '0': it must be more than 0 bytes/],
    [["--part-size", "1KiB"], 2, /^tartape: Part size 1 KiB is below this target's minimum of 4 KiB/],
    [["--concurrency", "0"], 2, /^tartape: Invalid --concurrency '0': it must be at least 1/],
    [["--concurrency", "many"], 2, /^tartape: Invalid --concurrency 'many'/],
    [["--region", "eu-west-1"], 2, /^tartape: --region does not apply to .*\(a local file\)/],
  ])("%j", async (flags, code, message) => {
    const dir = smallTree(`bad-${flags.join("")}`);
    const dest = path.join(root, `bad-${flags.join("")}.tar`);
    const run = await runTartape(["upload", dir, dest, ...flags]);
    expect(run.stderr).toMatch(new RegExp(message.source, "m"));
    expect(run.code).toBe(code);
    expect(fs.existsSync(dest)).toBe(false);
  });

  it.each([
    ["ftp://host/x.tar", /^tartape: 'ftp:\/\/host\/x\.tar' is not a destination tartape can write to: the scheme 'ftp:\/\/' is not supported/],
    ["s3://", /^tartape: "s3:\/\/" is not a valid S3 destination: the bucket name is missing/],
    ["s3://bucket-only", /^tartape: "s3:\/\/bucket-only" is not a valid S3 destination: the object key is missing/],
    ["az://container", /^tartape: 'az:\/\/container' is not a valid Azure destination: the blob name is missing/],
    ["s3:bucket/key", /write s3:\/\/ with both slashes/],
  ])("unparsable URL %s (exit 2)", async (url, message) => {
    const run = await runTartape(["upload", smallTree("bad-url"), url]);
    expect(run.stderr).toMatch(message);
    expect(run.code).toBe(2);
  });

  it("a destination in a folder that does not exist (exit 1)", async () => {
    const run = await runTartape(["upload", smallTree("no-folder"), path.join(root, "missing", "x.tar")]);
    expect(run.stderr).toMatch(/^tartape: Cannot write next to .*missing\/x\.tar: the folder does not exist\. Create it first\./m);
    expect(run.code).toBe(1);
  });

  it("an event log that cannot be written (exit 2)", async () => {
    const run = await runTartape(["upload", smallTree("bad-log"), path.join(root, "bad-log.tar"), "--event-log", path.join(root, "nope", "e.jsonl")]);
    expect(run.stderr).toMatch(/^tartape: Cannot write the event log /);
    expect(run.code).toBe(2);
  });

  it("a missing source directory (exit 2)", async () => {
    const run = await runTartape(["upload", path.join(root, "ghost"), path.join(root, "ghost.tar")]);
    expect(run.stderr).toMatch(/^tartape: .*ghost does not exist/);
    expect(run.code).toBe(2);
  });
});

describe("resumeCommandFor", () => {
  it("repeats the command without --restart and without printing a connection string", () => {
    const line = resumeCommandFor("my dir", "az://c/b.tar", {
      partSize: "8MiB",
      concurrency: "2",
      exclude: ["*.tmp"],
      defaultExcludes: true,
      connectionString: "AccountKey=secret",
    });
    expect(line).toBe(`tartape upload 'my dir' az://c/b.tar --part-size 8MiB --concurrency 2 --exclude '*.tmp' --connection-string "<your connection string>"`);
    expect(line).not.toContain("secret");
  });

  it("keeps --checksum: another checksum would be another upload, not this one resumed", () => {
    const line = resumeCommandFor("d", "s3://b/k.tar", { checksum: "md5", endpoint: "http://127.0.0.1:9000", defaultExcludes: true });
    expect(line).toBe("tartape upload d s3://b/k.tar --endpoint http://127.0.0.1:9000 --checksum md5");
  });
});
