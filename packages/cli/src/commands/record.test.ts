import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTape } from "@tartape/core/tape";
import { assertBuilt, runTartape, tempDir, writeTree } from "../../test-support/cli.js";
import { NOBODY, nodeForOtherUsers, runningAsRoot, sharedTempDir } from "../../test-support/other-user.js";

let root: string;
beforeAll(() => {
  assertBuilt();
  root = tempDir("record");
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

function sampleDir(name: string): string {
  const dir = path.join(root, name);
  writeTree(dir, { "a.txt": "alpha\n", "sub/b.bin": Buffer.alloc(3000, 7), "link": "->a.txt", "skip.log": "x", "sub/.DS_Store": "x" });
  return dir;
}

describe("tartape record", () => {
  it("prints the fingerprint, total size and entry count, and lists the special files left out", async () => {
    const dir = sampleDir("basic");
    execFileSync("mkfifo", [path.join(dir, "queue")]);
    const run = await runTartape(["record", dir]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/fingerprint {2}[0-9a-f]{64}\n/);
    // root, a.txt, link, skip.log, sub, sub/b.bin; .DS_Store is a default exclude.
    expect(run.out).toMatch(/entries {6}6\n/);
    expect(run.out).toMatch(/total size {3}\d+(\.\d+)? KiB \(\d+ bytes\)/);
    expect(run.out).toContain("excluded     1 path(s)");
    expect(run.out).toContain(`Left out 1 special file(s) that a tape cannot hold:\n  fifo         ${path.join(dir, "queue")}`);
  });

  it("adds --exclude patterns to the defaults, and --no-default-excludes drops the defaults", async () => {
    const dir = sampleDir("excludes");
    const run = await runTartape(["record", dir, "--exclude", "*.log", "--exclude", "link"]);
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/entries {6}4\n/);
    const again = await runTartape(["record", dir, "--force", "--no-default-excludes"]);
    expect(again.code).toBe(0);
    expect(again.out).toMatch(/entries {6}7\n/);
  });

  it("refuses to record over an existing tape without --force", async () => {
    const dir = sampleDir("force");
    expect((await runTartape(["record", dir])).code).toBe(0);
    const again = await runTartape(["record", dir]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/^tartape: .*index\.db already holds a recorded tape\. .*--force/);
    expect((await runTartape(["record", dir, "--force"])).code).toBe(0);
  });

  it("record then record --force of an unchanged tree: the same fingerprint", async () => {
    const dir = path.join(root, "det");
    writeTree(dir, { a: "a\n" });
    fs.utimesSync(dir, 1_000_000_000, 1_000_000_000); // the root's mtime seconds away from when .tartape is made
    const fingerprint = (out: string) => /fingerprint {2}([0-9a-f]{64})/.exec(out)?.[1];
    const first = await runTartape(["record", dir]);
    const again = await runTartape(["record", dir, "--force"]);
    expect(again.code).toBe(0);
    expect(fingerprint(again.out)).toBe(fingerprint(first.out));
  });

  it("record --force with an upload in progress says whether that upload resumes", async () => {
    const dir = sampleDir("in-progress");
    expect((await runTartape(["record", dir])).code).toBe(0);
    const tape = openTape(dir);
    tape.index.beginUpload({ targetId: "file:///backups/x.tar", fingerprint: tape.fingerprint, uploadId: "u1", partSize: 4096, partCount: 2, totalSize: tape.totalSize });
    tape.close();

    const same = await runTartape(["record", dir, "--force"]);
    expect(same.code).toBe(0);
    expect(same.stderr).toMatch(/^Note: the upload in progress to file:\/\/\/backups\/x\.tar is of this same tape .*resumes it\.\n$/);

    fs.writeFileSync(path.join(dir, "a.txt"), "changed\n");
    const changed = await runTartape(["record", dir, "--force"]);
    expect(changed.code).toBe(0);
    expect(changed.stderr).toMatch(/^Warning: the upload in progress to file:\/\/\/backups\/x\.tar .*cannot be resumed\. .*--restart. aborts it/);
  });

  it("as an ordinary user, files it cannot read fail the recording, all listed in one error", async () => {
    // Root reads everything: as root, the recording runs as nobody (uid 65534) instead.
    const user = runningAsRoot() ? { user: { ...NOBODY, node: nodeForOtherUsers() } } : {};
    const shared = sharedTempDir("unreadable");
    const dir = path.join(shared, "tree");
    writeTree(dir, { "ok.txt": "fine\n", "secret.txt": "no\n", "sub/locked.bin": "no\n", "sub/open.bin": "yes\n" });
    for (const folder of [dir, path.join(dir, "sub")]) fs.chmodSync(folder, 0o755);
    fs.chmodSync(path.join(dir, "secret.txt"), 0o000);
    fs.chmodSync(path.join(dir, "sub", "locked.bin"), 0o000);
    const index = path.join(shared, "index", "tape.db");
    try {
      const run = await runTartape(["record", dir, "--index", index], user);
      expect(run.stderr).toContain("Cannot read 2 entries:");
      expect(run.stderr).toContain(path.join(dir, "secret.txt"));
      expect(run.stderr).toContain(path.join(dir, "sub", "locked.bin"));
      expect(run.stderr).toContain("EACCES");
      expect(run.stderr).not.toContain("ok.txt");
      expect(run.code).toBe(2);
      expect(fs.existsSync(index), "no index is written").toBe(false);

      // Readable again: recorded.
      fs.chmodSync(path.join(dir, "secret.txt"), 0o644);
      fs.chmodSync(path.join(dir, "sub", "locked.bin"), 0o644);
      expect((await runTartape(["record", dir, "--index", index], user)).code).toBe(0);
    } finally {
      fs.rmSync(shared, { recursive: true, force: true });
    }
  });

  it("keeps the index elsewhere with --index", async () => {
    const dir = sampleDir("index-elsewhere");
    const index = path.join(root, "elsewhere", "tape.db");
    const run = await runTartape(["record", dir, "--index", index]);
    expect(run.code).toBe(0);
    expect(fs.existsSync(index)).toBe(true);
    expect(fs.existsSync(path.join(dir, ".tartape"))).toBe(false);
    expect((await runTartape(["ls", dir, "--index", index])).code).toBe(0);
  });

  it("says a missing directory does not exist (exit 2)", async () => {
    const run = await runTartape(["record", path.join(root, "nope")]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`tartape: ${path.join(root, "nope")} does not exist. Check the path and try again.\n`);
  });

  it("says a file is not a directory (exit 2)", async () => {
    const file = path.join(root, "plain.txt");
    fs.writeFileSync(file, "x");
    const run = await runTartape(["record", file]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^tartape: .*plain\.txt is not a directory\./);
  });

  it("names entries it cannot read (exit 2), without a stack trace", async () => {
    // Past PATH_MAX nothing can be read, whatever the user's privileges (root ignores chmod 000).
    const dir = path.join(root, "unreadable");
    fs.mkdirSync(dir);
    const name = "n".repeat(200);
    execFileSync("bash", ["-c", `cd "$1" && for i in $(seq 25); do mkdir ${name} && cd ${name}; done && echo x > f`, "_", dir]);
    try {
      const run = await runTartape(["record", dir]);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/^tartape: Cannot read .*nnnn/);
      expect(run.stderr).toContain("longer than the system allows (PATH_MAX");
      expect(run.stderr).toContain("out with --exclude.");
      expect(run.stderr).not.toContain("permissions");
      expect(run.stderr).not.toMatch(/\n\s+at /);
    } finally {
      execFileSync("rm", ["-rf", dir]);
    }
  });
});
