import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { record } from "../record.js";
import { collect, setMtime, tempDir, writeFile } from "../test-util/fs.js";
import { openTape, type Tape } from "./tape.js";
import type { Difference } from "./verify.js";

const T0 = 1600000000;

/** ds/{a, b, sub/c, link -> a}, recorded with the index inside (as by default). */
async function fixture(): Promise<{ ds: string; tape: Tape }> {
  const ds = path.join(tempDir(), "ds");
  writeFile(path.join(ds, "a"), "alpha", { mtime: T0 });
  writeFile(path.join(ds, "b"), "bravo!", { mtime: T0 });
  writeFile(path.join(ds, "sub/c"), "charlie", { mtime: T0 });
  fs.symlinkSync("a", path.join(ds, "link"));
  fs.lutimesSync(path.join(ds, "link"), T0, T0);
  setMtime(path.join(ds, "sub"), T0);
  await record(ds);
  return { ds, tape: openTape(ds) };
}

const summary = (diffs: readonly Difference[]) => diffs.map((d) => `${path.basename(d.path)} ${d.change}`).sort();

describe("verify", () => {
  it("an unchanged tree is ok in both modes (the root's mtime, changed by .tartape, is not checked)", async () => {
    const { tape } = await fixture();
    const quick = await tape.verify();
    expect(quick).toMatchObject({ ok: true, deep: false, differences: [] });
    expect(quick.checked).toBe(6); // ds, a, b, link, sub, sub/c
    const deep = await tape.verify({ deep: true });
    expect(deep).toMatchObject({ ok: true, deep: true, checked: 6, differences: [] });
    tape.close();
  });

  it("quick mode checks a sample of the requested size", async () => {
    const { tape } = await fixture();
    expect((await tape.verify({ sampleSize: 2 })).checked).toBe(2);
    tape.close();
  });

  it("reports each kind of difference instead of throwing, in both modes", async () => {
    const { ds, tape } = await fixture();
    fs.rmSync(path.join(ds, "a")); // missing
    fs.appendFileSync(path.join(ds, "b"), "+"); // size
    setMtime(path.join(ds, "b"), T0);
    setMtime(path.join(ds, "sub/c"), T0 + 60); // mtime
    fs.unlinkSync(path.join(ds, "link"));
    fs.mkdirSync(path.join(ds, "link")); // kind
    setMtime(path.join(ds, "sub"), T0);
    for (const deep of [false, true]) {
      const report = await tape.verify({ deep });
      expect(report.ok).toBe(false);
      expect(summary(report.differences)).toEqual(["a missing", "b size", "c mtime", "link kind"]);
      const size = report.differences.find((d) => d.change === "size") as Difference;
      expect(size).toMatchObject({ path: path.join(ds, "b"), expected: "6", actual: "7" });
    }
    tape.close();
  });

  it("a symlink pointed elsewhere: link-target", async () => {
    const { ds, tape } = await fixture();
    fs.unlinkSync(path.join(ds, "link"));
    fs.symlinkSync("b", path.join(ds, "link"));
    expect(summary((await tape.verify()).differences)).toEqual(["link link-target"]);
    tape.close();
  });

  it("a file turned into a directory: kind", async () => {
    const { ds, tape } = await fixture();
    fs.rmSync(path.join(ds, "b"));
    fs.mkdirSync(path.join(ds, "b"));
    expect(summary((await tape.verify({ deep: true })).differences)).toEqual(["b kind"]);
    tape.close();
  });

  it("deep mode finds content changed behind the same size and mtime, once the MD5 is known", async () => {
    const { ds, tape } = await fixture();
    await collect(tape.createReadStream()); // plain reads do not store MD5s
    expect([...tape.entries()].every((e) => e.md5 === null)).toBe(true);
    for await (const _ of tape.play()); // play stores them
    expect([...tape.entries()].filter((e) => e.md5 !== null).map((e) => path.basename(e.arcPath))).toEqual(["a", "b", "c"]);
    fs.writeFileSync(path.join(ds, "sub/c"), "CHARLIE");
    setMtime(path.join(ds, "sub/c"), T0);
    setMtime(path.join(ds, "sub"), T0);
    expect((await tape.verify()).ok).toBe(true); // stat only: cannot see it
    const deep = await tape.verify({ deep: true });
    expect(summary(deep.differences)).toEqual(["c content"]);
    expect(deep.differences[0]?.expected).toMatch(/^md5 [0-9a-f]{32}$/);
    tape.close();
  });

  it("deep mode learns MD5s it did not have", async () => {
    const { tape } = await fixture();
    expect((await tape.verify({ deep: true })).ok).toBe(true);
    expect([...tape.entries()].filter((e) => e.kind === "file").every((e) => e.md5 !== null)).toBe(true);
    tape.close();
  });

  it("new files that were not recorded do not make it fail", async () => {
    const { ds, tape } = await fixture();
    writeFile(path.join(ds, "sub/new"), "x");
    setMtime(path.join(ds, "sub"), T0);
    expect((await tape.verify({ deep: true })).ok).toBe(true);
    tape.close();
  });
});
