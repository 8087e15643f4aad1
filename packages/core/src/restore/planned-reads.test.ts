import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { RemoteEntry } from "../remote/remote-tape.js";
import { tempDir } from "../test-util/fs.js";
import { Destination } from "./destination.js";
import { RestoreJournal } from "./journal.js";
import { plannedReads, totalsOf, type Chosen } from "./planned-reads.js";
import { ResumePoints } from "./resume-points.js";
import { relativeComponents } from "./safe-path.js";

const RANGE = 4096;

function file(p: string, dataOffset: number, size: number): RemoteEntry {
  return { path: p, kind: "file", mode: 0o644, mtime: 0, size, headerOffset: dataOffset - 512, dataOffset, endOffset: dataOffset + Math.ceil(size / 512) * 512 };
}

const entries: RemoteEntry[] = [
  { path: "r", kind: "dir", mode: 0o755, mtime: 0, size: 0, headerOffset: 0, dataOffset: 512, endOffset: 512 },
  file("r/a", 1024, 100),
  file("r/big", 2048, 10_000),
  file("r/c", 12_800, 50),
  file("../evil", 13_824, 10),
];

function chosen(): () => AsyncIterable<Chosen> {
  return async function* () {
    for (const [ordinal, entry] of entries.entries()) yield { entry, ordinal, components: relativeComponents(entry.path) };
  };
}

async function collect(reads: AsyncIterable<{ start: number; end: number }>): Promise<Array<{ start: number; end: number }>> {
  const all = [];
  for await (const read of reads) all.push(read);
  return all;
}

describe("the walks that plan a restore's reads", () => {
  it("the totals and the plan agree, and both start a file where an earlier run left its verified prefix", async () => {
    const dir = tempDir();
    const destination = new Destination(dir);
    const journal = RestoreJournal.open(path.join(dir, ".tartape-restore", "journal"), { id: "t", version: "1", size: 20_480 }) as RestoreJournal;
    journal.markDoneThrough(1);
    journal.markPartial(2, { bytes: 5000, crc: 1 });
    journal.close();
    const resumed = RestoreJournal.open(path.join(dir, ".tartape-restore", "journal"), { id: "t", version: "1", size: 20_480 }) as RestoreJournal;
    const resume = new ResumePoints(resumed, destination);
    fs.writeFileSync(resume.partialFile(entries[2]!), Buffer.alloc(5000));

    const totals = await totalsOf(chosen(), resume, RANGE);
    const reads = await collect(plannedReads(chosen(), resume, RANGE));
    // r/big from byte 5000 (tape 7048), cut at multiples of RANGE; r/c in a read of its own (past the
    // next multiple); r/a was done by the earlier run; ../evil is unsafe.
    expect(reads).toEqual([
      { start: 7048, end: 8192 },
      { start: 8192, end: 12_048 },
      { start: 12_800, end: 12_850 },
    ]);
    expect(totals).toEqual({ entries: 4, bytes: 10_150, bytesSkipped: 100 + 5000, reads: reads.length, largestRead: 12_048 - 8192 });
    resumed.close();
  });
});
