import { describe, expect, it } from "vitest";
import { PAX_KEY_ORDER, encodePaxRecord, encodePaxRecords } from "./pax.js";

const text = (b: Buffer) => b.toString("utf8");

describe("encodePaxRecord", () => {
  it('is "<len> <key>=<value>\\n" with <len> counting the whole record', () => {
    // " path=a\n" is 8 bytes; with one length digit, 9.
    expect(text(encodePaxRecord("path", "a"))).toBe("9 path=a\n");
    // " mtime=-1\n" is 10 bytes; + 2 digits = 12.
    expect(text(encodePaxRecord("mtime", "-1"))).toBe("12 mtime=-1\n");
  });

  it("handles the length gaining a digit: 9 -> 11, and 99 -> 101", () => {
    // " path=ab\n" is 9 bytes: 9 + 1 digit = 10, which has 2 digits, so 11.
    expect(text(encodePaxRecord("path", "ab"))).toBe("11 path=ab\n");
    // body 97 (" path=" + 90 + "\n"): 97 + 2 = 99.
    const v90 = "v".repeat(90);
    expect(text(encodePaxRecord("path", v90))).toBe(`99 path=${v90}\n`);
    expect(encodePaxRecord("path", v90).length).toBe(99);
    // body 98: 98 + 2 = 100 has 3 digits, so 98 + 3 = 101.
    const v91 = "v".repeat(91);
    expect(text(encodePaxRecord("path", v91))).toBe(`101 path=${v91}\n`);
    expect(encodePaxRecord("path", v91).length).toBe(101);
    // body 995: 995 + 3 = 998; body 997: 997 + 3 = 1000 -> 1001.
    expect(text(encodePaxRecord("path", "w".repeat(988))).slice(0, 4)).toBe("998 ");
    expect(text(encodePaxRecord("path", "w".repeat(990))).slice(0, 5)).toBe("1001 ");
  });

  it("counts bytes, not characters", () => {
    // 45 x "ü" = 90 bytes: same as 90 ASCII bytes.
    expect(text(encodePaxRecord("path", "ü".repeat(45)))).toBe(`99 path=${"ü".repeat(45)}\n`);
    expect(encodePaxRecord("linkpath", "😀")).toEqual(Buffer.from("17 linkpath=\u{1F600}\n", "utf8")); // " linkpath=" 10 + 4 + "\n" 1 = 15, + 2
  });

  it("every length from 1 to 1200 bytes of value is self-consistent", () => {
    for (let n = 1; n <= 1200; n++) {
      const rec = encodePaxRecord("path", "x".repeat(n));
      const space = rec.indexOf(0x20);
      expect(Number(rec.subarray(0, space).toString())).toBe(rec.length);
      // and the smallest such length (what GNU tar and Python write)
      const body = 7 + n;
      const smallest = [1, 2, 3, 4, 5].map((d) => body + d).find((len) => String(len).length === len - body);
      expect(rec.length).toBe(smallest);
    }
  });
});

describe("encodePaxRecords", () => {
  it("writes path, linkpath, mtime in that order whatever order they are given", () => {
    const out = encodePaxRecords({ mtime: "-5", linkpath: "t", path: "p" });
    // " path=p\n" 8 + 1; " linkpath=t\n" 12 + 2; " mtime=-5\n" 10 + 2
    expect(text(out)).toBe("9 path=p\n14 linkpath=t\n12 mtime=-5\n");
    expect(PAX_KEY_ORDER).toEqual(["path", "linkpath", "mtime"]);
  });

  it("only the records given", () => {
    expect(text(encodePaxRecords({ linkpath: "t" }))).toBe("14 linkpath=t\n");
    expect(encodePaxRecords({}).length).toBe(0);
  });
});
