import { describe, expect, it } from "vitest";
import { MAX_DEPTH, relativeComponents, symlinkTargetInside } from "./safe-path.js";

describe("relativeComponents", () => {
  it("keeps ordinary paths and drops '.' and trailing slashes", () => {
    expect(relativeComponents("root/a b/c.txt")).toEqual({ ok: true, value: ["root", "a b", "c.txt"] });
    expect(relativeComponents("./root/dir/")).toEqual({ ok: true, value: ["root", "dir"] });
    expect(relativeComponents("./")).toEqual({ ok: true, value: [] });
  });

  it("refuses absolute paths, '..', NUL bytes, absurd depth and overlong names", () => {
    expect(relativeComponents("/etc/passwd")).toMatchObject({ ok: false, reason: expect.stringMatching(/absolute/) });
    expect(relativeComponents("root/../../x")).toMatchObject({ ok: false, reason: expect.stringMatching(/'\.\.'/) });
    expect(relativeComponents("..")).toMatchObject({ ok: false });
    expect(relativeComponents("a\0b")).toMatchObject({ ok: false, reason: expect.stringMatching(/NUL/) });
    expect(relativeComponents(Array(MAX_DEPTH + 1).fill("d").join("/"))).toMatchObject({ ok: false, reason: expect.stringMatching(/deep/) });
    expect(relativeComponents(Array(10_000).fill("d").join("/"))).toMatchObject({ ok: false });
    expect(relativeComponents(`r/${"n".repeat(256)}`)).toMatchObject({ ok: false, reason: expect.stringMatching(/255/) });
    expect(relativeComponents(".tartape-restore/journal")).toMatchObject({ ok: false, reason: expect.stringMatching(/journal/) });
  });
});

describe("symlinkTargetInside", () => {
  it("accepts targets that stay inside, from the link's own folder", () => {
    expect(symlinkTargetInside(["root", "link"], "file.txt").ok).toBe(true);
    expect(symlinkTargetInside(["root", "sub", "link"], "../other/x").ok).toBe(true);
    expect(symlinkTargetInside(["root", "link"], "..").ok).toBe(true);
  });

  it("refuses absolute targets and targets climbing out of the destination", () => {
    expect(symlinkTargetInside(["root", "link"], "/etc")).toMatchObject({ ok: false, reason: expect.stringMatching(/absolute/) });
    expect(symlinkTargetInside(["root", "link"], "../..")).toMatchObject({ ok: false, reason: expect.stringMatching(/outside/) });
    expect(symlinkTargetInside(["link"], "../x")).toMatchObject({ ok: false });
    expect(symlinkTargetInside(["root", "a", "link"], "b/../../../../x")).toMatchObject({ ok: false });
  });
});
