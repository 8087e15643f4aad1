import { describe, expect, it } from "vitest";
import { recordingNotice } from "./recording-notice.js";

describe("recordingNotice", () => {
  it("tells a terminal what runs and what Ctrl-C leaves; says nothing to a pipe", () => {
    const written: string[] = [];
    recordingNotice("/data", { isTTY: true, write: (t: string) => written.push(t) });
    expect(written).toEqual(["Recording /data: scanning every entry (Ctrl-C stops it; no tape is recorded until the scan ends)...\n"]);
    recordingNotice("/data", { isTTY: false, write: (t: string) => written.push(t) });
    expect(written).toHaveLength(1);
  });
});
