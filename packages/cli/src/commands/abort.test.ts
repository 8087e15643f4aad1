import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, runTartape, tempDir } from "../../test-support/cli.js";
import { uploadUntil, writeBigTree } from "../../test-support/interrupted-upload.js";

let root: string;
beforeAll(() => {
  assertBuilt();
  root = tempDir("abort");
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

function partialFiles(): string[] {
  return fs.readdirSync(root).filter((n) => n.endsWith(".partial"));
}

describe("tartape abort", () => {
  it("discards an unfinished upload at the destination and in the index; a second abort has nothing to do", async () => {
    const dir = path.join(root, "data");
    writeBigTree(dir, 24);
    const dest = path.join(root, "out.tar");
    const killed = await uploadUntil(dir, dest, path.join(root, "events.jsonl"), { afterParts: 2, signal: "SIGKILL", extra: ["--part-size", "1MiB", "--concurrency", "1"] });
    expect(killed.run.signal).toBe("SIGKILL");
    expect(partialFiles()).toHaveLength(1);

    const run = await runTartape(["abort", dir, dest]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.out).toMatch(new RegExp(`^Aborted upload \\S+\\.partial to file://${dest}; its parts are discarded\\.\\n$`));
    expect(partialFiles()).toHaveLength(0);
    expect((await runTartape(["status", dir])).out).toBe(`No uploads are recorded for ${dir}.\n`);

    const again = await runTartape(["abort", dir, dest]);
    expect(again.code).toBe(0);
    expect(again.out).toBe(`No unfinished upload to file://${dest} is recorded for this tape; nothing to abort.\n`);

    // After an abort the next upload starts from the first part.
    const fresh = await runTartape(["upload", dir, dest, "--part-size", "1MiB"]);
    expect(fresh.code).toBe(0);
    expect(fresh.out).toMatch(/25 uploaded, 0 skipped/);
  });

  it("names the unfinished uploads when the URL matches none of them", async () => {
    const dir = path.join(root, "typo");
    writeBigTree(dir, 16);
    const dest = path.join(root, "typo.tar");
    const killed = await uploadUntil(dir, dest, path.join(root, "typo.jsonl"), { afterParts: 1, signal: "SIGKILL", extra: ["--part-size", "1MiB", "--concurrency", "1"] });
    expect(killed.run.signal).toBe("SIGKILL");
    const run = await runTartape(["abort", dir, path.join(root, "typo2.tar")]);
    expect(run.code).toBe(0);
    expect(run.out).toContain(`nothing to abort. Unfinished uploads: file://${dest}.`);
  });

  it("refuses an unparsable URL (exit 2)", async () => {
    const run = await runTartape(["abort", root, "gopher://x/y"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^tartape: 'gopher:\/\/x\/y' is not a destination/);
  });
});
