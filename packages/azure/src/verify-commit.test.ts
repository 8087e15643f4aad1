import { IntegrityMismatchError } from "@tartape/core";
import { describe, expect, it } from "vitest";
import { verifyCommittedBlocks } from "./verify-commit.js";

const expected = [
  { blockId: "AAAA", size: 10 },
  { blockId: "BBBB", size: 4 },
];
const committed = expected.map((b) => ({ name: b.blockId, size: b.size }));

describe("verifyCommittedBlocks", () => {
  it("accepts exactly the blocks sent, in order, adding up to the tape", () => {
    expect(() => verifyCommittedBlocks("az://a/c/b", committed, 14, expected, 14)).not.toThrow();
  });

  it.each([
    ["a missing block", committed.slice(0, 1), 10, /with 1 blocks; tartape sent 2/],
    ["blocks out of order", [...committed].reverse(), 14, /Block 1 of az:\/\/a\/c\/b is BBBB/],
    ["a block of another size", [committed[0]!, { name: "BBBB", size: 5 }], 15, /Block 2 .* \(5 bytes\)/],
    ["a size other than the tape's", committed, 13, /holds 13 bytes/],
  ])("refuses %s", (_label, got, length, message) => {
    expect(() => verifyCommittedBlocks("az://a/c/b", got, length, expected, 14)).toThrow(IntegrityMismatchError);
    expect(() => verifyCommittedBlocks("az://a/c/b", got, length, expected, 14)).toThrow(message);
  });
});
