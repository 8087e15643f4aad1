/**
 * Recording a 20,000-entry random tree gives the tape bytes and fingerprint
 * that recording gave before it was rewritten to run in bounded memory
 * (expected values computed by the recording of commit 1582540, which held
 * every entry in memory, on the tree `randomTree` builds from seed 16).
 */
import { createHash } from "node:crypto";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { record } from "./record.js";
import { openTape } from "./tape/tape.js";
import { tempDir } from "./test-util/fs.js";
import { randomTree } from "./test-util/random-tree.js";

const EXPECTED = {
  entryCount: 20000,
  totalSize: 21965824,
  fingerprint: "856f3c8e303b0a0098b69fa60b381b7c2d8a65014d8ef0c89a8b08b8818a00da",
  tapeSha256: "57f09a526022c6706b85eb5efbbab68b57c6102891ea14235c00b6052664a6a2",
  /** Over every entry's fields as read back from the index (real paths relative to the root). */
  entriesSha256: "4028f91a3c5add1578d2716905b11670deb291ba0451347d7930382c8a51e80d",
  /** Entries with a PAX header: the tree goes beyond ustar. */
  paxEntries: 331,
};

describe("record: a 20,000-entry random tree", () => {
  it("gives the same tape and fingerprint as the recording that held every entry in memory", async () => {
    const root = randomTree(tempDir(), 20_000, 16, "rand20k");
    const indexPath = path.join(tempDir(), "i.db");
    const result = await record(root, { indexPath });
    const tape = openTape(root, { indexPath });
    const hash = createHash("sha256");
    const entriesHash = createHash("sha256");
    let paxEntries = 0;
    try {
      for await (const chunk of tape.createReadStream()) hash.update(chunk as Buffer);
      for (const e of tape.entries()) {
        const real = path.relative(root, e.realPath);
        entriesHash.update(`${e.index} ${e.arcPath} ${real} ${e.kind} ${e.size} ${e.mtimeNs} ${e.mode} ${e.linkTarget} ${e.startOffset} ${e.dataOffset} ${e.endOffset}\n`);
        if (e.dataOffset - e.startOffset > 512) paxEntries++;
      }
    } finally {
      tape.close();
    }
    const actual = {
      entryCount: result.entryCount,
      totalSize: result.totalSize,
      fingerprint: result.fingerprint,
      tapeSha256: hash.digest("hex"),
      entriesSha256: entriesHash.digest("hex"),
      paxEntries,
    };
    expect(actual).toEqual(EXPECTED);
  }, 120_000);
});
