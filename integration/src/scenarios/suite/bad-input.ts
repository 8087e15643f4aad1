/**
 * Scenario 5: bad input fails fast with a typed error that tells the user
 * what is wrong, and loses nothing.
 */
import { describe, expect, it } from "vitest";
import { openTape, record, uploadTape, type ErrorCode, type Target } from "@tartape/core";
import type { BadTarget, ExpectedFailure } from "../harness.js";
import { runCli } from "../support/cli-process.js";
import { tapeFacts } from "../support/digest.js";
import { expectTypedError } from "../support/typed-error.js";
import { mixedTree, singleFileTree, snapshotTree } from "../support/trees.js";
import { GIVE_UP_FAST, scenarioPartSize, type SuiteContext } from "./context.js";

/** What any good message for this code says, whatever the service. */
const MESSAGE_GIST: Partial<Record<ErrorCode, RegExp>> = {
  TARGET_NOT_FOUND: /exist|not found/i,
  TARGET_AUTH: /credential|denied|permission|auth|key|signature|forbidden/i,
  TARGET_UNREACHABLE: /reach|connect|refused|running|down/i,
};

interface Expectation {
  readonly target: Target;
  readonly code: ErrorCode;
  readonly fragments: readonly (string | RegExp)[];
}

function isExpectedFailure(bad: BadTarget): bad is ExpectedFailure {
  return !("createUpload" in bad);
}

function expectationFor(bad: BadTarget, defaultCode: ErrorCode): Expectation {
  const failure: ExpectedFailure = isExpectedFailure(bad) ? bad : { target: bad };
  const code = failure.code ?? defaultCode;
  const gist = MESSAGE_GIST[code];
  const fragments = [...(gist ? [gist] : []), ...(failure.messageIncludes !== undefined ? [failure.messageIncludes] : [])];
  return { target: failure.target, code, fragments };
}

/** The scheme of the harness's URL with a broken authority: a URL no parser accepts. */
function unparsableUrl(url: string): string {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1] ?? "s3";
  return `${scheme}://[unclosed/key`;
}

export function badInputScenarios({ harness, scratch }: SuiteContext): void {
  describe("bad input → typed errors with clear messages", () => {
    const uploadTo = async (bad: BadTarget, defaultCode: ErrorCode): Promise<void> => {
      const { target, code, fragments } = expectationFor(bad, defaultCode);
      const dir = scratch.dir("bad-target");
      mixedTree(dir);
      await expectTypedError(uploadTape(dir, target, { retry: GIVE_UP_FAST }), code, ...fragments);
    };

    it("missing container/bucket/folder → TARGET_NOT_FOUND", async () => {
      await uploadTo(harness.badTargets().missingContainer, "TARGET_NOT_FOUND");
    });

    it("wrong credentials → TARGET_AUTH (skipped when the target has none to get wrong)", async (ctx) => {
      const bad = harness.badTargets().wrongCredentials;
      if (bad === null) return ctx.skip(`the ${harness.name} target has no credentials to get wrong`);
      await uploadTo(bad, "TARGET_AUTH");
    });

    it("server down → TARGET_UNREACHABLE after the retries (or the code the harness names)", async () => {
      await uploadTo(harness.badTargets().serverDown, "TARGET_UNREACHABLE");
    });

    it.skipIf(harness.minPartSize <= 1)("part size below the minimum → PART_SIZE_INVALID, nothing created", async () => {
      const key = harness.freshKey("small-parts");
      const minimum = harness.makeTarget(key).limits.minPartSize;
      const dir = scratch.dir("small-parts");
      mixedTree(dir);
      await expectTypedError(uploadTape(dir, harness.makeTarget(key, { partSize: minimum - 1 })), "PART_SIZE_INVALID", /below .*minimum/);
      expect(await harness.readObject(key)).toBeNull();
      expect(await harness.leftovers(key)).toEqual([]);
    });

    it("a tape too large for the part limit at a fixed part size → TAPE_TOO_LARGE, nothing created", async () => {
      const partSize = scenarioPartSize(harness);
      const key = harness.freshKey("too-large");
      const dir = scratch.dir("too-large");
      singleFileTree(dir, 3 * partSize);
      const target = harness.makeTarget(key, { partSize, limits: { maxParts: 2 } });
      await expectTypedError(uploadTape(dir, target, { fixedPartSize: true }), "TAPE_TOO_LARGE", "3 parts", "limit of 2");
      expect(await harness.readObject(key)).toBeNull();
      expect(await harness.leftovers(key)).toEqual([]);
    });

    const badUrls: readonly [string, (url: string) => string][] = [
      ["an unparsable URL", unparsableUrl],
      ["a URL with an unknown scheme", () => "nosuch://bucket/key"],
    ];
    for (const [what, makeUrl] of badUrls) {
      it(`CLI: ${what} → one-line "tartape: ..." error, non-zero exit, nothing lost`, async () => {
        const dir = scratch.dir("cli-bad-url");
        mixedTree(dir);
        await record(dir);
        const before = snapshotTree(dir);
        const { fingerprint } = await tapeFacts(dir);
        const destination = harness.cli(harness.freshKey("bad-url"));
        const url = makeUrl(destination.url);

        const exit = await runCli(["upload", dir, url, ...destination.args], destination.env);

        expect(exit.signal).toBeNull();
        expect(exit.code, `exit code for ${url}`).not.toBe(0);
        const lines = exit.stderr.trimEnd().split("\n");
        expect(lines, `stderr:\n${exit.stderr}`).toHaveLength(1);
        expect(lines[0]).toMatch(/^tartape: \S/);
        expect(exit.stderr).not.toMatch(/\n\s+at \S|node:internal|\.js:\d+/);
        expect(snapshotTree(dir), "the source tree changed").toEqual(before);
        const tape = openTape(dir);
        try {
          expect(tape.fingerprint).toBe(fingerprint);
        } finally {
          tape.close();
        }
      });
    }
  });
}
