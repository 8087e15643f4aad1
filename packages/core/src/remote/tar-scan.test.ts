import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir, writeFile } from "../test-util/fs.js";
import { FileSource } from "./file-source.js";
import { readRange } from "./source.js";
import { scanTarHeaders } from "./tar-scan.js";

function hasGnuTar(): boolean {
  try {
    return execFileSync("tar", ["--version"]).toString().includes("GNU tar");
  } catch {
    return false;
  }
}

describe.runIf(hasGnuTar())("scanTarHeaders on a tar made by GNU tar", () => {
  it("lists every entry with its content range, long names and link targets included", async () => {
    const parent = tempDir();
    const root = path.join(parent, "g");
    const long = `${"x".repeat(150)}/${"y".repeat(120)}.txt`;
    writeFile(path.join(root, "a.txt"), "alpha\n");
    writeFile(path.join(root, long), "deep\n");
    writeFile(path.join(root, "big"), Buffer.alloc(300_000, 7));
    fs.symlinkSync("a.txt", path.join(root, "ln"));
    const tarFile = path.join(parent, "g.tar");
    for (const format of ["gnu", "posix"]) {
      execFileSync("tar", ["-cf", tarFile, `--format=${format}`, "-C", parent, "g"]);
      const source = new FileSource(tarFile);
      const version = (await source.stat())!;
      const entries = [];
      for await (const e of scanTarHeaders(source, version)) entries.push(e);
      const byPath = new Map(entries.map((e) => [e.path, e]));
      expect([...byPath.keys()].sort()).toEqual(["g", "g/a.txt", `g/${"x".repeat(150)}`, `g/${long}`, "g/big", "g/ln"].sort());
      expect(byPath.get("g/ln")).toMatchObject({ kind: "symlink", linkTarget: "a.txt" });
      expect(byPath.get("g")!.kind).toBe("dir");
      const deep = byPath.get(`g/${long}`)!;
      expect((await readRange(source, deep.dataOffset, deep.dataOffset + deep.size, version)).toString()).toBe("deep\n");
      const big = byPath.get("g/big")!;
      expect(big.size).toBe(300_000);
      expect((await readRange(source, big.dataOffset, big.dataOffset + 10, version)).equals(Buffer.alloc(10, 7))).toBe(true);
    }
  });
});
