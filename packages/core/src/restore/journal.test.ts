import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../test-util/fs.js";
import { RestoreJournal } from "./journal.js";

const tape = { id: "file:///t.tar", version: "1:2:3:4", size: 10240 };

function open(file: string, only: readonly string[] = []): RestoreJournal {
  const journal = RestoreJournal.open(file, tape, only);
  if (typeof journal === "string") throw new Error(journal);
  return journal;
}

describe("RestoreJournal", () => {
  it("remembers what is done (one number) and the partial files in flight, across opens", () => {
    const file = path.join(tempDir(), "state", "journal");
    const first = open(file);
    first.markPartial(3, { bytes: 100, crc: 7 });
    first.markDoneThrough(2);
    first.markPartial(3, { bytes: 200, crc: 9 });
    first.close();
    const second = open(file);
    expect(second.doneThrough).toBe(2);
    expect([...second.partial]).toEqual([[3, { bytes: 200, crc: 9 }]]);
    second.markDoneThrough(3);
    second.close();
    const third = open(file);
    expect(third.doneThrough).toBe(3);
    expect(third.partial.size).toBe(0);
    third.close();
  });

  it("writes one line for many entries done between two flushes", () => {
    const file = path.join(tempDir(), "journal");
    const journal = open(file);
    for (let ordinal = 0; ordinal < 1000; ordinal++) journal.markDoneThrough(ordinal);
    journal.flush();
    journal.close();
    expect(fs.readFileSync(file, "utf8").trim().split("\n")).toHaveLength(2);
    expect(open(file).doneThrough).toBe(999);
  });

  it("remembers refusals, to say them again after a resume", () => {
    const file = path.join(tempDir(), "journal");
    const first = open(file);
    first.markRefused(4, { path: "../x", reason: "its path leaves the destination" });
    first.close();
    expect([...open(file).refused]).toEqual([[4, { path: "../x", reason: "its path leaves the destination" }]]);
  });

  it("ignores a torn last line and keeps appending on a fresh line", () => {
    const file = path.join(tempDir(), "journal");
    const first = open(file);
    first.markDoneThrough(0);
    first.close();
    fs.appendFileSync(file, '{"t":1');
    const second = open(file);
    expect(second.doneThrough).toBe(0);
    second.markDoneThrough(5);
    second.close();
    expect(open(file).doneThrough).toBe(5);
  });

  it("refuses a journal of another tape, another version, or another choice of entries", () => {
    const file = path.join(tempDir(), "journal");
    open(file, ["a"]).close();
    expect(RestoreJournal.open(file, { ...tape, version: "other" }, ["a"])).toBe("other-tape");
    expect(RestoreJournal.open(file, { ...tape, id: "s3://b/k" }, ["a"])).toBe("other-tape");
    expect(RestoreJournal.open(file, tape, ["b"])).toBe("other-selection");
    expect(RestoreJournal.open(file, tape)).toBe("other-selection");
  });
});
