/**
 * Scenario 7: a tape comes back. After an upload, `tartape ls <url>` lists
 * what `tartape ls <dir>` lists, and `tartape get <url> <path>` returns the
 * exact bytes of any file (checked against the catalog's digest), a
 * symbolic link's target, and names the file whose stored bytes were damaged.
 * A plain tar without a catalog is read header by header.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { listRemote, record, uploadTape } from "@tartape/core";
import { runCli, type CliExit } from "../support/cli-process.js";
import { expectTypedError } from "../support/typed-error.js";
import { writeRandomFile } from "../support/trees.js";
import { GIVE_UP_FAST, scenarioPartSize, type SuiteContext } from "./context.js";

const LONG_NAME = `${"d".repeat(120)}/${"n".repeat(110)}.txt`;

/** Every entry `get` must return, with a file spanning three parts of `partSize`. */
function remoteTree(dir: string, partSize: number): void {
  fs.writeFileSync(path.join(dir, "small.txt"), "a small file\n");
  fs.writeFileSync(path.join(dir, "empty"), "");
  writeRandomFile(path.join(dir, "span.bin"), 2 * partSize + 1000);
  fs.mkdirSync(path.join(dir, path.dirname(LONG_NAME)), { recursive: true });
  fs.writeFileSync(path.join(dir, LONG_NAME), "a PAX long name\n");
  fs.mkdirSync(path.join(dir, "sub"));
  fs.writeFileSync(path.join(dir, "sub", "tool.sh"), "#!/bin/sh\necho hi\n", { mode: 0o755 });
  fs.symlinkSync("small.txt", path.join(dir, "link"));
}

function hasGnuTar(): boolean {
  try {
    return execFileSync("tar", ["--version"]).toString().includes("GNU tar");
  } catch {
    return false;
  }
}

export function remoteReadScenarios({ harness, scratch }: SuiteContext): void {
  describe("reading a tape back: ls and get by byte range", () => {
    /** Uploads the remote tree; the tape's root is the scratch folder's name. */
    const uploadTree = async (): Promise<{ dir: string; key: string; root: string; partSize: number }> => {
      const dir = scratch.dir("remote");
      const partSize = scenarioPartSize(harness);
      remoteTree(dir, partSize);
      await record(dir);
      const key = harness.freshKey("remote");
      const result = await uploadTape(dir, harness.makeTarget(key, { partSize }), { concurrency: 3 });
      expect(result.catalog).toBe("written");
      return { dir, key, root: path.basename(dir), partSize };
    };
    /** `tartape <command> <url of key> ...rest`, directly or through the fault proxy. */
    const cliVia = (viaProxy: boolean, key: string, command: string, ...rest: string[]): Promise<CliExit> => {
      const destination = harness.cli(key, { viaProxy });
      return runCli([command, destination.url, ...rest, ...destination.args], destination.env);
    };
    const cli = (key: string, command: string, ...rest: string[]): Promise<CliExit> => cliVia(false, key, command, ...rest);
    const getTo = async (key: string, entry: string, out: string): Promise<CliExit> => cli(key, "get", entry, "-o", out);

    it("ls <url> lists the same entries as ls <dir>; --prefix narrows it", async () => {
      const { dir, key, root } = await uploadTree();
      const local = await runCli(["ls", dir]);
      const remote = await cli(key, "ls");
      expect(remote.code, remote.stderr).toBe(0);
      expect(remote.stderr).toBe("");
      expect(remote.stdout).toBe(local.stdout);
      const sub = await cli(key, "ls", "--prefix", `${root}/sub`);
      expect(sub.stdout.trim().split("\n").slice(1).map((line) => line.split(/\s+/).pop())).toEqual([`${root}/sub/`, `${root}/sub/tool.sh`]);
    });

    it("get returns the exact bytes of a small, an empty, a 3-part and a PAX long-name file, with mode and mtime; a symlink its target", async () => {
      const { dir, key, root } = await uploadTree();
      const small = await cli(key, "get", `${root}/small.txt`);
      expect(small.code, small.stderr).toBe(0);
      expect(small.stdout).toBe("a small file\n");
      const out = scratch.dir("remote-out");
      for (const name of ["empty", "span.bin", LONG_NAME, "sub/tool.sh"]) {
        const file = path.join(out, path.basename(name));
        const exit = await getTo(key, `${root}/${name}`, file);
        expect(exit.code, exit.stderr).toBe(0);
        expect(fs.readFileSync(file).equals(fs.readFileSync(path.join(dir, name))), name).toBe(true);
        const [got, source] = [fs.statSync(file), fs.statSync(path.join(dir, name))];
        expect(got.mode & 0o777, name).toBe(source.mode & 0o111 ? 0o755 : 0o644);
        expect(Math.trunc(got.mtimeMs / 1000), name).toBe(Math.trunc(source.mtimeMs / 1000));
      }
      const link = await cli(key, "get", `${root}/link`);
      expect(link.code, link.stderr).toBe(0);
      expect(link.stdout).toBe("small.txt\n");
    });

    it("a byte of a file altered in storage (identity kept): get of that file exits 1 naming it; another file still comes back", async (ctx) => {
      const { key, root, partSize } = await uploadTree();
      const tape = await listRemote(harness.makeTarget(key).remote!);
      let spanOffset = -1;
      for await (const e of tape.entries) if (e.path === `${root}/span.bin`) spanOffset = e.dataOffset;
      const damaged = `${root}/span.bin`;
      const viaProxy = !harness.corruptStoredByte;
      if (harness.corruptStoredByte) {
        await harness.corruptStoredByte(key, spanOffset + partSize + 7);
      } else if (harness.faults) {
        harness.faults.setFaults([{ ...harness.faults.objectReads(key), action: "flip", atByte: partSize + 7, everyNth: 1, limit: 1 }]);
      } else {
        return ctx.skip(`the ${harness.name} target can neither alter stored bytes nor responses`);
      }
      try {
        const out = path.join(scratch.dir("remote-damaged"), "span.bin");
        const bad = await cliVia(viaProxy, key, "get", damaged, "-o", out);
        expect(bad.code, bad.stderr).toBe(1);
        expect(bad.stderr).toContain(damaged);
        expect(bad.stderr).toMatch(/damaged/);
        expect(fs.existsSync(out), "a damaged file is never written").toBe(false);
      } finally {
        harness.faults?.clearFaults();
      }
      const good = await cli(key, "get", `${root}/small.txt`);
      expect(good.code, good.stderr).toBe(0);
      expect(good.stdout).toBe("a small file\n");
    });

    it("bad input: an unknown path, a directory, a URL with no object, wrong credentials → typed errors, one-line messages", async () => {
      const { key, root } = await uploadTree();
      const unknown = await cli(key, "get", `${root}/no-such-file`);
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toMatch(/^tartape: .*holds no entry/);
      expect(unknown.stderr.trim().split("\n")).toHaveLength(1);
      const directory = await cli(key, "get", `${root}/sub`);
      expect(directory.code).toBe(2);
      expect(directory.stderr).toMatch(/is a directory.*--prefix/);
      const missing = await cli(harness.freshKey("remote-missing"), "get", `${root}/small.txt`);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toMatch(/There is no object at/);
      expect(missing.stdout).toBe("");
      const wrong = harness.badTargets().wrongCredentials;
      if (wrong !== null) {
        const target = "target" in wrong ? wrong.target : wrong;
        await expectTypedError(listRemote(target.remote!), "TARGET_AUTH");
      }
    });

    it.runIf(hasGnuTar())("a tar made by GNU tar, no catalog: ls and get read its headers and say so", async () => {
      const parent = scratch.dir("gnu");
      const src = path.join(parent, "plain");
      fs.mkdirSync(src);
      fs.writeFileSync(path.join(src, "hello.txt"), "hello from GNU tar\n");
      writeRandomFile(path.join(src, "blob.bin"), 70_000);
      fs.mkdirSync(path.dirname(path.join(src, LONG_NAME)), { recursive: true });
      fs.writeFileSync(path.join(src, LONG_NAME), "long\n");
      const tarFile = path.join(parent, "plain.tar");
      execFileSync("tar", ["-cf", tarFile, "-C", parent, "plain"]);
      const key = harness.freshKey("gnu-tar");
      await harness.putObject(key, fs.readFileSync(tarFile));

      const ls = await cli(key, "ls");
      expect(ls.code, ls.stderr).toBe(0);
      expect(ls.stderr).toMatch(/no catalog found/);
      const listed = execFileSync("tar", ["-tf", tarFile]).toString().trim().split("\n").sort();
      expect(ls.stdout.trim().split("\n").slice(1).map((line) => line.split(/\s+/).pop()).sort()).toEqual(listed);
      const hello = await cli(key, "get", "plain/hello.txt");
      expect(hello.code, hello.stderr).toBe(0);
      expect(hello.stdout).toBe("hello from GNU tar\n");
      expect(hello.stderr).toMatch(/no catalog found/);
      const out = path.join(parent, "blob.out");
      expect((await getTo(key, "plain/blob.bin", out)).code).toBe(0);
      expect(fs.readFileSync(out).equals(fs.readFileSync(path.join(src, "blob.bin")))).toBe(true);
      const long = await cli(key, "get", `plain/${LONG_NAME}`);
      expect(long.stdout).toBe("long\n");
    });

    it("an object replaced by another tape: its old catalog is refused", async () => {
      const { key, root } = await uploadTree();
      const other = scratch.dir("remote-other");
      fs.writeFileSync(path.join(other, "other.txt"), "another tape\n");
      await record(other);
      // The other tape goes to a key of its own, then its bytes over the first tape's object: the catalog stays the first tape's.
      const otherKey = harness.freshKey("remote-other");
      await uploadTape(other, harness.makeTarget(otherKey), { retry: GIVE_UP_FAST });
      await harness.putObject(key, (await harness.readObject(otherKey))!);
      const refused = await cli(key, "get", `${root}/small.txt`);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/catalog .* cannot be used: .*replaced/);
    });
  });
}
