import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../test-util/fs.js";
import { RestoreJournal } from "./journal.js";

const tape = { id: "file:///t.tar", version: "1:2:3:4", size: 10240 };

describe("RestoreJournal", () => {
  it("remembers done entries and partial files across opens", () => {
    const file = path.join(tempDir(), "state", "journal");
    const first = RestoreJournal.open(file, tape) as RestoreJournal;
    first.markPartial("r/big", { bytes: 100, crc: 7 });
    first.markDone("r/a");
    first.markPartial("r/big", { bytes: 200, crc: 9 });
    first.close();
    const second = RestoreJournal.open(file, tape) as RestoreJournal;
    expect([...second.done]).toEqual(["r/a"]);
    expect(second.partial.get("r/big")).toEqual({ bytes: 200, crc: 9 });
    second.markDone("r/big");
    second.close();
    const third = RestoreJournal.open(file, tape) as RestoreJournal;
    expect(third.done.has("r/big")).toBe(true);
    expect(third.partial.size).toBe(0);
    third.close();
  });

  it("ignores a torn last line and keeps appending on a fresh line", () => {
    const file = path.join(tempDir(), "journal");
    const first = RestoreJournal.open(file, tape) as RestoreJournal;
    first.markDone("r/a");
    first.close();
    fs.appendFileSync(file, '{"d":"r/tor');
    const second = RestoreJournal.open(file, tape) as RestoreJournal;
    expect([...second.done]).toEqual(["r/a"]);
    second.markDone("r/b");
    second.close();
    expect([...(RestoreJournal.open(file, tape) as RestoreJournal).done]).toEqual(["r/a", "r/b"]);
  });

  it("refuses a journal of another tape or another version", () => {
    const file = path.join(tempDir(), "journal");
    (RestoreJournal.open(file, tape) as RestoreJournal).close();
    expect(RestoreJournal.open(file, { ...tape, version: "other" })).toBe("other-tape");
    expect(RestoreJournal.open(file, { ...tape, id: "s3://b/k" })).toBe("other-tape");
  });
});
