/** Scenario 1: the uploaded object is the tape, at the part counts where off-by-one errors live. */
import { describe, expect, it } from "vitest";
import { record, uploadTape } from "@tartape/core";
import { tapeFacts } from "../support/digest.js";
import { mixedTree, singleFileTree } from "../support/trees.js";
import { expectObjectIsTape, scenarioPartSize, type SuiteContext } from "./context.js";

interface RoundTripCase {
  readonly title: string;
  /** Builds the tree for the scenario part size `p`. */
  readonly build: (dir: string, p: number) => void;
  /** Part size to upload with, given the scenario part size `p` and the tape's size. */
  readonly partSize: (p: number, totalSize: number) => number;
  /** The tape size the tree must produce, so the case tests what its title says. */
  readonly expectSize: (totalSize: number, partSize: number) => void;
  readonly parts: number;
}

const CASES: readonly RoundTripCase[] = [
  {
    title: "1 part: a tree with every entry kind, smaller than the part size",
    build: (dir) => mixedTree(dir),
    partSize: (p, totalSize) => p * Math.ceil(totalSize / p),
    expectSize: (totalSize, partSize) => expect(totalSize).toBeLessThan(partSize),
    parts: 1,
  },
  {
    title: "exactly 3 parts: the tape ends on a part boundary",
    build: (dir, p) => singleFileTree(dir, 3 * p),
    partSize: (p) => p,
    expectSize: (totalSize, partSize) => expect(totalSize).toBe(3 * partSize),
    parts: 3,
  },
  {
    title: "3 parts + a small last part",
    build: (dir, p) => singleFileTree(dir, 3 * p + 1024),
    partSize: (p) => p,
    expectSize: (totalSize, partSize) => expect(totalSize - 3 * partSize).toBe(1024),
    parts: 4,
  },
];

export function roundTripScenarios({ harness, scratch }: SuiteContext): void {
  describe("round trip: the object is the tape, byte for byte", () => {
    for (const c of CASES) {
      it(c.title, async () => {
        const dir = scratch.dir("round-trip");
        const basePartSize = scenarioPartSize(harness);
        c.build(dir, basePartSize);
        await record(dir);
        const tape = await tapeFacts(dir);
        const partSize = c.partSize(basePartSize, tape.totalSize);
        c.expectSize(tape.totalSize, partSize);

        const key = harness.freshKey("round-trip");
        const result = await uploadTape(dir, harness.makeTarget(key, { partSize }), { concurrency: 3 });

        expect(result.status).toBe("completed");
        expect(result.partSize).toBe(partSize);
        expect(result.partCount).toBe(c.parts);
        expect(result.partsUploaded).toBe(c.parts);
        expect(result.object.size).toBe(tape.totalSize);
        await expectObjectIsTape(harness, key, tape);
      });
    }
  });
}
