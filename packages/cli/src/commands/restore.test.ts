import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, patternBytes, runTartape, tempDir, writeTree } from "../../test-support/cli.js";
import { restoreResumeCommand } from "./restore.js";

let root: string;
beforeAll(() => {
  assertBuilt();
  root = tempDir("restore");
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

/** Relative path → kind and content (or link target), leaving out tartape's index folder. */
function listing(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const visit = (rel: string): void => {
    const full = path.join(dir, rel);
    const stat = fs.lstatSync(full);
    if (stat.isSymbolicLink()) out[rel] = `-> ${fs.readlinkSync(full)}`;
    else if (stat.isDirectory()) {
      out[rel] = "dir";
      for (const name of fs.readdirSync(full)) if (name !== ".tartape") visit(rel === "" ? name : `${rel}/${name}`);
    } else out[rel] = `${(stat.mode & 0o777).toString(8)} ${fs.readFileSync(full).toString("base64").slice(0, 40)} ${stat.size}`;
  };
  visit("");
  return out;
}

function hasGnuTar(): boolean {
  try {
    return execFileSync("tar", ["--version"]).toString().includes("GNU tar");
  } catch {
    return false;
  }
}

describe("tartape restore", () => {
  it("restores an uploaded tape into a new folder; a second run into it is refused; --only restores a subtree", async () => {
    const src = path.join(root, "src");
    writeTree(src, { "a.txt": "alpha\n", "sub/big.bin": patternBytes(300_000), "sub/deeper/c.txt": "c", "link": "->a.txt" });
    fs.mkdirSync(path.join(src, "empty"));
    const tape = path.join(root, "src.tar");
    expect((await runTartape(["upload", src, tape])).code).toBe(0);

    const out = path.join(root, "out");
    const run = await runTartape(["restore", tape, out, "--concurrency", "2"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.out).toMatch(/Restored .* into .*\n {2}entries {6}8 \(3 files/);
    expect(run.out).toMatch(/verified {5}every file/);
    expect(listing(path.join(out, "src"))).toEqual(listing(src));

    const again = await runTartape(["restore", tape, out]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/^tartape: .*out is not empty\. .*--overwrite/);
    expect(again.stderr.trim().split("\n")).toHaveLength(1);
    expect((await runTartape(["restore", tape, out, "--overwrite"])).code).toBe(0);

    const only = path.join(root, "only");
    expect((await runTartape(["restore", tape, only, "--only", "src/sub"])).code).toBe(0);
    expect(Object.keys(listing(only)).sort()).toEqual(["", "src", "src/sub", "src/sub/big.bin", "src/sub/deeper", "src/sub/deeper/c.txt"]);

    const bad = await runTartape(["restore", tape, path.join(root, "bad"), "--concurrency", "0"]);
    expect(bad.code).toBe(2);
  });

  it.runIf(hasGnuTar())("a tar with unsafe entries: the safe ones are restored, the CLI lists the refused ones and exits 1", async () => {
    const parent = path.join(root, "evil");
    writeTree(parent, { "in/ok.txt": "fine", "in/up.txt": "climb", "in/esc": "->/etc" });
    const tar = path.join(root, "evil.tar");
    execFileSync("tar", ["-cf", tar, "-C", parent, "in/ok.txt", "in/esc"]);
    execFileSync("tar", ["-rf", tar, "-C", parent, "--transform", "s,^in/up,../up,", "in/up.txt"]);
    execFileSync("tar", ["-rPf", tar, path.join(parent, "in", "ok.txt")]);
    const dest = path.join(root, "evil-out");
    const run = await runTartape(["restore", tar, dest]);
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toMatch(/no catalog found/);
    expect(run.stderr).toMatch(/refused 3 unsafe entries/);
    expect(run.stderr).toMatch(/"in\/esc": it links to the absolute path \/etc/);
    expect(run.stderr).toMatch(/"\.\.\/up\.txt": its path holds a '\.\.' component/);
    expect(run.stderr).toMatch(/its path is absolute/);
    expect(fs.readFileSync(path.join(dest, "in/ok.txt"), "utf8")).toBe("fine");
    expect(fs.existsSync(path.join(root, "up.txt"))).toBe(false);
    expect(fs.existsSync(path.join(dest, "in/esc"))).toBe(false);
  });

  it.runIf(hasGnuTar() && process.getuid?.() === 0)("--keep-special-bits and --same-owner: setuid and the tar's owner restored only when asked", async () => {
    const parent = path.join(root, "special");
    writeTree(parent, { "s/prog": "#!/bin/sh\n" });
    // chown before chmod: chown clears setuid.
    fs.chownSync(path.join(parent, "s/prog"), 4321, 5432);
    fs.chmodSync(path.join(parent, "s/prog"), 0o4755);
    const tar = path.join(root, "special.tar");
    execFileSync("tar", ["-cf", tar, "-C", parent, "s"]);
    const stat = (dest: string): string => {
      const st = fs.statSync(path.join(dest, "s/prog"));
      return `${(st.mode & 0o7777).toString(8)} ${st.uid}:${st.gid}`;
    };
    const plain = path.join(root, "special-plain");
    expect((await runTartape(["restore", tar, plain])).code).toBe(0);
    expect(stat(plain)).toBe("755 0:0");
    const kept = path.join(root, "special-kept");
    const run = await runTartape(["restore", tar, kept, "--same-owner", "--keep-special-bits"]);
    expect(run.code, run.stderr).toBe(0);
    expect(stat(kept)).toBe("4755 4321:5432");
  });

  it("the resume command repeats what matters and never prints a connection string", () => {
    expect(restoreResumeCommand("s3://b/k", "d", { sameOwner: true, keepSpecialBits: true })).toBe("tartape restore s3://b/k d --same-owner --keep-special-bits");
    expect(restoreResumeCommand("s3://b/k", "/tmp/out dir", { only: ["r/a", "r/*.txt"], concurrency: "4", rangeSize: "1MiB", endpoint: "http://e", pathStyle: true })).toBe(
      "tartape restore s3://b/k '/tmp/out dir' --only r/a --only 'r/*.txt' --concurrency 4 --range-size 1MiB --endpoint http://e --path-style",
    );
    expect(restoreResumeCommand("az://c/b", "d", { connectionString: "AccountKey=secret", catalog: false })).toBe('tartape restore az://c/b d --no-catalog --connection-string "<your connection string>"');
  });
});

describe("tartape download", () => {
  it("downloads the object whole, checked part by part; a second run to the same file is refused", async () => {
    const src = path.join(root, "dl-src");
    writeTree(src, { "a.bin": patternBytes(200_000), "b.txt": "b" });
    const tape = path.join(root, "dl.tar");
    expect((await runTartape(["upload", src, tape, "--part-size", "64KiB"])).code).toBe(0);
    const out = path.join(root, "dl-copy.tar");
    const run = await runTartape(["download", tape, out]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.out).toMatch(/parts {8}\d+: \d+ fetched/);
    expect(run.out).toMatch(/verified {5}every part/);
    expect(fs.readFileSync(out).equals(fs.readFileSync(tape))).toBe(true);
    const again = await runTartape(["download", tape, out]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already exists/);
  });
});

describe("tartape restore interrupted", () => {
  it("Ctrl-C stops it with exit 130 and the command that resumes; running that command completes the restore", async () => {
    const src = path.join(root, "int-src");
    writeTree(src, { "big.bin": patternBytes(24 * 1024 * 1024), "z.txt": "last" });
    const tape = path.join(root, "int.tar");
    expect((await runTartape(["upload", src, tape])).code).toBe(0);
    const out = path.join(root, "int-out");
    let pid = 0;
    const running = runTartape(["restore", tape, out, "--concurrency", "1", "--range-size", "16KiB"], { onSpawn: (p) => (pid = p) });
    // The journal appears once the destination is opened, after the Ctrl-C handler is in place.
    while (!fs.existsSync(path.join(out, ".tartape-restore", "journal"))) await new Promise((r) => setTimeout(r, 5));
    process.kill(pid, "SIGINT");
    const stopped = await running;
    expect(stopped.code, stopped.stderr).toBe(130);
    expect(stopped.stderr).toMatch(/Interrupted by SIGINT\..*Run the same command again to resume:\n {2}tartape restore .*int\.tar .*int-out --concurrency 1 --range-size 16KiB/s);
    const resumed = await runTartape(["restore", tape, out, "--concurrency", "1", "--range-size", "16KiB"]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(listing(path.join(out, "int-src"))).toEqual(listing(src));
  });
});
