import { describe, expect, it } from "vitest";
import { TartapeError } from "@tartape/core";
import { parseSize } from "./size.js";

describe("parseSize", () => {
  it.each([
    ["1048576", 1048576],
    ["64MiB", 64 * 1024 ** 2],
    ["5MB", 5 * 1024 ** 2],
    ["5mb", 5 * 1024 ** 2],
    ["1g", 1024 ** 3],
    ["1G", 1024 ** 3],
    ["2KiB", 2048],
    ["2k", 2048],
    ["512B", 512],
    ["512b", 512],
    ["1.5GiB", 1.5 * 1024 ** 3],
    [" 8 MiB ", 8 * 1024 ** 2],
    ["1TiB", 1024 ** 4],
  ])("reads %j as %d bytes", (text, bytes) => {
    expect(parseSize(text)).toBe(bytes);
  });

  it.each([
    ["", /Invalid size ''/],
    ["abc", /Invalid size 'abc'/],
    ["12XB", /Invalid size '12XB'.*64MiB, 5MB, 1048576 or 1g/],
    ["5 M B", /Invalid size/],
    ["-5MB", /Invalid size '-5MB'/],
    ["0", /more than 0 bytes/],
    ["0MiB", /more than 0 bytes/],
    ["0.3KiB", /not a whole number of bytes/],
    ["1.5", /not a whole number of bytes/],
    ["99999999999TiB", /too large/],
    ["1e6", /Invalid size/],
  ])("refuses %j with a message that shows valid forms", (text, message) => {
    expect(() => parseSize(text)).toThrow(message);
  });

  it("throws a TartapeError with code INVALID_ARGUMENT naming the option", () => {
    try {
      parseSize("lots", "--part-size");
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(TartapeError);
      expect((err as TartapeError).code).toBe("INVALID_ARGUMENT");
      expect((err as TartapeError).message).toContain("--part-size 'lots'");
    }
  });
});
