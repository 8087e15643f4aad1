import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { TargetError, type UploadEvent } from "@tartape/core";
import { eventLogLine, eventLogWriter } from "./event-log.js";

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "tartape-eventlog-"));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

const part = { number: 2, start: 100, end: 200, size: 100 };

describe("eventLogLine", () => {
  it("is one JSON object per line with the time, the process and the event", () => {
    const line = eventLogLine({ type: "part-start", part, attempt: 1 }, new Date("2024-01-02T03:04:05.000Z"), 42);
    expect(line.endsWith("\n")).toBe(true);
    expect(line.indexOf("\n")).toBe(line.length - 1);
    expect(JSON.parse(line)).toEqual({ time: "2024-01-02T03:04:05.000Z", pid: 42, type: "part-start", part, attempt: 1 });
  });

  it("keeps an error's name, code and message, which JSON.stringify would drop", () => {
    const error = new TargetError("TARGET_UNREACHABLE", "Cannot reach http://127.0.0.1:9", { retryable: true });
    const parsed = JSON.parse(eventLogLine({ type: "part-retry", part, attempt: 1, error }));
    expect(parsed.error).toEqual({ name: "TargetError", message: "Cannot reach http://127.0.0.1:9", code: "TARGET_UNREACHABLE" });
  });
});

describe("eventLogWriter", () => {
  it("appends, so the lines of several runs add up in one file", () => {
    const file = path.join(scratch, "events.jsonl");
    const events: UploadEvent[] = [
      { type: "upload-created", uploadId: "u1" },
      { type: "part-start", part, attempt: 1 },
    ];
    const first = eventLogWriter(file);
    for (const e of events) first(e);
    // Each line is in the file as soon as the call returns: nothing is buffered.
    expect(fs.readFileSync(file, "utf8").trim().split("\n")).toHaveLength(2);
    eventLogWriter(file)({ type: "upload-resumed", uploadId: "u1", partsOnServer: 1 });
    const types = fs.readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l).type);
    expect(types).toEqual(["upload-created", "part-start", "upload-resumed"]);
  });

  it("refuses a path it cannot write before the upload starts", () => {
    expect(() => eventLogWriter(path.join(scratch, "no-such-folder", "events.jsonl"))).toThrow(/Cannot write the event log .*no-such-folder/);
  });
});
