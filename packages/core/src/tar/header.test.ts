/**
 * Header bytes checked against blocks built here, field by field, from the
 * table in TAPE_FORMAT.md (offsets and literal field texts written out by
 * hand). The encoder under test is never used to build an expectation.
 */
import { describe, expect, it } from "vitest";
import { BLOCK_SIZE, PAX_HEADER_NAME, encodeHeader, headerMode, paddingAfter, splitUstarPath, type HeaderFields } from "./header.js";

interface Block {
  /** Written at offset 0 (at most 100 bytes). */
  name: string | Buffer;
  /** The 8 bytes at offset 100, e.g. "0000644\0". */
  mode: string;
  /** The 12 bytes at offset 124: "00000000014\0", or a Buffer for base-256. */
  size: string | Buffer;
  /** The 12 bytes at offset 136. */
  mtime: string;
  typeflag: "0" | "2" | "5" | "x";
  /** Written at offset 157. */
  linkname?: string | Buffer;
  /** Written at offset 345. */
  prefix?: string | Buffer;
}

const utf8 = (s: string | Buffer) => (typeof s === "string" ? Buffer.from(s, "utf8") : s);

/** One ustar block exactly as the spec's table lays it out; unset bytes NUL. */
function block(f: Block): Buffer {
  const b = Buffer.alloc(512);
  const put = (offset: number, width: number, value: string | Buffer) => {
    const v = utf8(value);
    expect(v.length, `field at ${offset} fits its width`).toBeLessThanOrEqual(width);
    v.copy(b, offset);
  };
  put(0, 100, f.name);
  put(100, 8, f.mode);
  put(108, 8, "0000000\0"); // uid
  put(116, 8, "0000000\0"); // gid
  put(124, 12, f.size);
  put(136, 12, f.mtime);
  put(148, 8, "        "); // chksum counts as 8 spaces
  put(156, 1, f.typeflag);
  put(157, 100, f.linkname ?? "");
  put(257, 6, "ustar\0");
  put(263, 2, "00");
  put(265, 32, "root");
  put(297, 32, "root");
  // 329..344: devmajor, devminor stay NUL
  put(345, 155, f.prefix ?? "");
  let sum = 0;
  for (const byte of b) sum += byte;
  b.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148, "latin1");
  return b;
}

/** The PAX records block(s): the records, then NUL up to a multiple of 512. */
function paxData(records: string): Buffer {
  const r = Buffer.from(records, "utf8");
  return Buffer.concat([r, Buffer.alloc(Math.ceil(r.length / 512) * 512 - r.length)]);
}

function paxHeader(recordsLength: string): Buffer {
  return block({ name: "././@PaxHeader", mode: "0000644\0", size: recordsLength, mtime: "00000000000\0", typeflag: "x" });
}

const file = (arcPath: string, extra: Partial<HeaderFields> = {}): HeaderFields => ({
  arcPath,
  kind: "file",
  size: 12,
  mtimeSeconds: 1700000000,
  mode: 0o644,
  linkTarget: null,
  ...extra,
});

function expectBytes(actual: Buffer, expected: Buffer): void {
  // Compare as hex per 512-byte block so a failure shows where.
  expect(actual.length).toBe(expected.length);
  for (let off = 0; off < expected.length; off += 512) {
    expect(actual.subarray(off, off + 512).toString("hex"), `block at ${off}`).toBe(expected.subarray(off, off + 512).toString("hex"));
  }
}

describe("ustar header (entries within tartape's limits)", () => {
  it("a regular file", () => {
    expectBytes(
      encodeHeader(file("ds/hello.txt", { mode: 0o664 })),
      block({ name: "ds/hello.txt", mode: "0000644\0", size: "00000000014\0", mtime: "14524770400\0", typeflag: "0" }),
    );
  });

  it("an executable file: any execute bit gives 0000755", () => {
    for (const mode of [0o755, 0o700, 0o744, 0o610, 0o601, 0o4711]) {
      expectBytes(
        encodeHeader(file("ds/run.sh", { mode, size: 1000, mtimeSeconds: 1234567890 })),
        block({ name: "ds/run.sh", mode: "0000755\0", size: "00000001750\0", mtime: "11145401322\0", typeflag: "0" }),
      );
    }
    for (const mode of [0o600, 0o666, 0o4644, 0o1000]) {
      expect(encodeHeader(file("ds/f", { mode })).subarray(100, 108).toString("latin1")).toBe("0000644\0");
    }
  });

  it("a directory: trailing /, mode 0000755, size 0, typeflag 5", () => {
    expectBytes(
      encodeHeader({ arcPath: "ds/sub", kind: "dir", size: 0, mtimeSeconds: 1700000000, mode: 0o700, linkTarget: null }),
      block({ name: "ds/sub/", mode: "0000755\0", size: "00000000000\0", mtime: "14524770400\0", typeflag: "5" }),
    );
  });

  it("a symbolic link: mode 0000777, size 0, typeflag 2, target in linkname", () => {
    expectBytes(
      encodeHeader({ arcPath: "ds/link", kind: "symlink", size: 0, mtimeSeconds: 0, mode: 0o755, linkTarget: "../target dir/f.txt" }),
      block({ name: "ds/link", mode: "0000777\0", size: "00000000000\0", mtime: "00000000000\0", typeflag: "2", linkname: "../target dir/f.txt" }),
    );
  });

  it("unicode names and link targets are written as UTF-8", () => {
    const name = "ds/ü日😀 é.txt";
    expect(Buffer.byteLength(name)).toBe(19);
    expectBytes(
      encodeHeader(file(name)),
      block({ name: Buffer.from([0x64, 0x73, 0x2f, 0xc3, 0xbc, 0xe6, 0x97, 0xa5, 0xf0, 0x9f, 0x98, 0x80, 0x20, 0xc3, 0xa9, 0x2e, 0x74, 0x78, 0x74]), mode: "0000644\0", size: "00000000014\0", mtime: "14524770400\0", typeflag: "0" }),
    );
    expectBytes(
      encodeHeader({ arcPath: "ds/ñ", kind: "symlink", size: 0, mtimeSeconds: 0, mode: 0o777, linkTarget: "日/ü" }),
      block({ name: "ds/ñ", mode: "0000777\0", size: "00000000000\0", mtime: "00000000000\0", typeflag: "2", linkname: Buffer.from([0xe6, 0x97, 0xa5, 0x2f, 0xc3, 0xbc]) }),
    );
  });

  it("a path of exactly 100 bytes goes whole into name", () => {
    const p = `p/${"x".repeat(98)}`;
    expect(Buffer.byteLength(p)).toBe(100);
    expectBytes(encodeHeader(file(p)), block({ name: p, mode: "0000644\0", size: "00000000014\0", mtime: "14524770400\0", typeflag: "0" }));
    // A directory whose path with its slash is 100 bytes too.
    const d = `p/${"x".repeat(97)}`;
    expectBytes(
      encodeHeader({ arcPath: d, kind: "dir", size: 0, mtimeSeconds: 0, mode: 0o755, linkTarget: null }),
      block({ name: `${d}/`, mode: "0000755\0", size: "00000000000\0", mtime: "00000000000\0", typeflag: "5" }),
    );
  });

  it("a path of 101 bytes is split: prefix before the cut, name after it", () => {
    const tail = "x".repeat(99);
    expectBytes(encodeHeader(file(`p/${tail}`)), block({ name: tail, prefix: "p", mode: "0000644\0", size: "00000000014\0", mtime: "14524770400\0", typeflag: "0" }));
    // A directory whose slash makes it 101 bytes: the slash stays in name.
    expectBytes(
      encodeHeader({ arcPath: `p/${"x".repeat(98)}`, kind: "dir", size: 0, mtimeSeconds: 0, mode: 0o755, linkTarget: null }),
      block({ name: `${"x".repeat(98)}/`, prefix: "p", mode: "0000755\0", size: "00000000000\0", mtime: "00000000000\0", typeflag: "5" }),
    );
  });

  it("a 100-byte component fills name completely (no NUL after it)", () => {
    const c = "c".repeat(100);
    const h = encodeHeader(file(`ds/${c}`));
    expectBytes(h, block({ name: c, prefix: "ds", mode: "0000644\0", size: "00000000014\0", mtime: "14524770400\0", typeflag: "0" }));
    expect(h[99]).toBe(0x63);
    // A directory of a 99-byte component: name is that component and its slash, 100 bytes.
    const d = "d".repeat(99);
    expectBytes(
      encodeHeader({ arcPath: `r/${d}`, kind: "dir", size: 0, mtimeSeconds: 0, mode: 0o755, linkTarget: null }),
      block({ name: `${d}/`, prefix: "r", mode: "0000755\0", size: "00000000000\0", mtime: "00000000000\0", typeflag: "5" }),
    );
  });

  it("of several valid cuts the rightmost is taken", () => {
    // r/<50 a>/<50 b>/<10 f>: 114 bytes. Valid cuts: after the a's (prefix 52,
    // name 61) and after the b's (prefix 103, name 10). The rightmost wins.
    const a = "a".repeat(50);
    const b = "b".repeat(50);
    const f = "f".repeat(10);
    expectBytes(
      encodeHeader(file(`r/${a}/${b}/${f}`)),
      block({ name: f, prefix: `r/${a}/${b}`, mode: "0000644\0", size: "00000000014\0", mtime: "14524770400\0", typeflag: "0" }),
    );
  });

  it("a cut whose prefix would pass 155 bytes is not valid; the next one left is taken", () => {
    // r/<60 a>/<97 b>/f: 162 bytes. The last / leaves a 160-byte prefix; the
    // one after the a's leaves prefix 62 and name 99 bytes.
    const a = "a".repeat(60);
    const b = "b".repeat(97);
    expectBytes(
      encodeHeader(file(`r/${a}/${b}/f`)),
      block({ name: `${b}/f`, prefix: `r/${a}`, mode: "0000644\0", size: "00000000014\0", mtime: "14524770400\0", typeflag: "0" }),
    );
  });

  it("a 255-byte path: 155-byte prefix and 99-byte name", () => {
    const prefix = `r/${"p".repeat(100)}/${"q".repeat(52)}`; // 155 bytes
    const name = "n".repeat(99);
    const p = `${prefix}/${name}`;
    expect(Buffer.byteLength(p)).toBe(255);
    expectBytes(encodeHeader(file(p)), block({ name, prefix, mode: "0000644\0", size: "00000000014\0", mtime: "14524770400\0", typeflag: "0" }));
  });

  it("the size field: 11 octal digits up to 8589934591, then 0x80 and 11 bytes big-endian", () => {
    expectBytes(
      encodeHeader(file("ds/big", { size: 8589934591 })),
      block({ name: "ds/big", mode: "0000644\0", size: "77777777777\0", mtime: "14524770400\0", typeflag: "0" }),
    );
    const base256 = Buffer.from([0x80, 0, 0, 0, 0, 0, 0, 0x02, 0, 0, 0, 0]); // 8589934592 = 0x2_0000_0000
    expectBytes(
      encodeHeader(file("ds/big", { size: 8589934592 })),
      block({ name: "ds/big", mode: "0000644\0", size: base256, mtime: "14524770400\0", typeflag: "0" }),
    );
    // 10 TiB + 1 = 0xA00_0000_0001
    const tenTiB = Buffer.from([0x80, 0, 0, 0, 0, 0, 0x0a, 0, 0, 0, 0, 0x01]);
    expect(encodeHeader(file("ds/big", { size: 10 * 2 ** 40 + 1 })).subarray(124, 136)).toEqual(tenTiB);
  });

  it("the checksum: sum of the block with the field as spaces, 6 octal digits, NUL, space", () => {
    const h = encodeHeader(file("ds/hello.txt"));
    const field = h.subarray(148, 156).toString("latin1");
    expect(field).toMatch(/^[0-7]{6}\0 $/);
    const copy = Buffer.from(h);
    copy.fill(0x20, 148, 156);
    let sum = 0;
    for (const byte of copy) sum += byte;
    expect(Number.parseInt(field.slice(0, 6), 8)).toBe(sum);
    // One block counted by hand, field by field.
    const h2 = encodeHeader({ arcPath: "a", kind: "dir", size: 0, mtimeSeconds: 0, mode: 0o755, linkTarget: null });
    // name "a/" 97+47; mode "0000755" 4*48+55+53+53; uid, gid 7*48 each; size 11*48;
    // mtime 11*48; chksum 8*32; typeflag 53; magic "ustar" 117+115+116+97+114; "00" 96; "root" twice 2*(114+111+111+116)
    const expected = 97 + 47 + (4 * 48 + 55 + 53 + 53) + 7 * 48 * 2 + 11 * 48 * 2 + 8 * 32 + 53 + (117 + 115 + 116 + 97 + 114) + 96 + 2 * (114 + 111 + 111 + 116);
    expect(h2.subarray(148, 156).toString("latin1")).toBe(`${expected.toString(8).padStart(6, "0")}\0 `);
  });

  it("is 512 bytes and the same for the same fields", () => {
    const fields = file("ds/a b/c.txt");
    const h = encodeHeader(fields);
    expect(h.length).toBe(BLOCK_SIZE);
    expect(encodeHeader({ ...fields })).toEqual(h);
  });

  it("a symlink's size is 0 whatever is passed", () => {
    const h = encodeHeader({ arcPath: "ds/l", kind: "symlink", size: 99, mtimeSeconds: 0, mode: 0o777, linkTarget: "x" });
    expect(h.subarray(124, 136).toString("latin1")).toBe("00000000000\0");
  });
});

describe("PAX extended header (beyond tartape's limits)", () => {
  it("a path over 255 bytes: one `path` record, then the ustar block", () => {
    const p = `r/${"d".repeat(100)}/${"e".repeat(100)}/${"f".repeat(60)}`; // 2+100+1+100+1+60 = 264 bytes
    expect(Buffer.byteLength(p)).toBe(264);
    // " path=" (6) + 264 + "\n" (1) = 271, plus 3 length digits = 274.
    const records = `274 path=${p}\n`;
    expect(Buffer.byteLength(records)).toBe(274);
    const h = encodeHeader(file(p));
    expectBytes(
      h,
      Buffer.concat([
        paxHeader("00000000422\0"), // 274 = 0o422
        paxData(records),
        // Fallback name for readers without PAX: the first 100 bytes of the path, no prefix.
        block({ name: p.slice(0, 100), mode: "0000644\0", size: "00000000014\0", mtime: "14524770400\0", typeflag: "0" }),
      ]),
    );
    expect(h.length).toBe(1536);
  });

  it("a component over 100 bytes in a short path: `path` record", () => {
    const p = `ds/${"x".repeat(101)}`; // 104 bytes
    // 6 + 104 + 1 = 111, + 3 digits = 114
    expectBytes(
      encodeHeader(file(p)),
      Buffer.concat([
        paxHeader("00000000162\0"), // 114 = 0o162
        paxData(`114 path=${p}\n`),
        block({ name: p.slice(0, 100), mode: "0000644\0", size: "00000000014\0", mtime: "14524770400\0", typeflag: "0" }),
      ]),
    );
  });

  it("a component over 100 bytes inside a prefix that would fit still takes a `path` record (tartape refuses it)", () => {
    const p = `r/${"x".repeat(101)}/f`; // 105 bytes; cut after the long component is valid for ustar
    const h = encodeHeader(file(p));
    expect(h.subarray(156, 157).toString()).toBe("x");
    // 6 + 105 + 1 = 112, + 3 = 115
    expect(h.subarray(512, 512 + 115).toString()).toBe(`115 path=${p}\n`);
  });

  it("a path with no valid cut: `path` record", () => {
    // r/<60>/<99>/<91>: 254 bytes, every part at most 100 bytes, but no / leaves
    // a prefix <= 155 and a name <= 100 together.
    const p = `r/${"a".repeat(60)}/${"b".repeat(99)}/${"c".repeat(91)}`;
    expect(Buffer.byteLength(p)).toBe(254);
    expect(splitUstarPath(Buffer.from(p))).toBeNull();
    const h = encodeHeader(file(p));
    // 6 + 254 + 1 = 261, + 3 = 264
    expect(h.subarray(512, 512 + 264).toString()).toBe(`264 path=${p}\n`);
    expect(h.subarray(124, 136).toString("latin1")).toBe("00000000410\0"); // 264 = 0o410
  });

  it("a link target over 100 bytes: `linkpath` record, linkname holds its first 100 bytes", () => {
    const target = "t".repeat(101);
    // " linkpath=" (10) + 101 + 1 = 112, + 3 = 115
    expectBytes(
      encodeHeader({ arcPath: "ds/l", kind: "symlink", size: 0, mtimeSeconds: 1700000000, mode: 0o777, linkTarget: target }),
      Buffer.concat([
        paxHeader("00000000163\0"), // 115 = 0o163
        paxData(`115 linkpath=${target}\n`),
        block({ name: "ds/l", mode: "0000777\0", size: "00000000000\0", mtime: "14524770400\0", typeflag: "2", linkname: "t".repeat(100) }),
      ]),
    );
  });

  it("a link target of exactly 100 bytes needs no PAX", () => {
    const target = "t".repeat(100);
    expectBytes(
      encodeHeader({ arcPath: "ds/l", kind: "symlink", size: 0, mtimeSeconds: 0, mode: 0o777, linkTarget: target }),
      block({ name: "ds/l", mode: "0000777\0", size: "00000000000\0", mtime: "00000000000\0", typeflag: "2", linkname: target }),
    );
  });

  it("a negative mtime: `mtime` record, 0 in the ustar field", () => {
    // " mtime=-86400\n" = 14, + 2 = 16
    expectBytes(
      encodeHeader(file("ds/old", { mtimeSeconds: -86400 })),
      Buffer.concat([
        paxHeader("00000000020\0"), // 16 = 0o20
        paxData("16 mtime=-86400\n"),
        block({ name: "ds/old", mode: "0000644\0", size: "00000000014\0", mtime: "00000000000\0", typeflag: "0" }),
      ]),
    );
  });

  it("an mtime past 11 octal digits: `mtime` record, 77777777777 in the ustar field", () => {
    const h = encodeHeader(file("ds/future", { mtimeSeconds: 8589934592 }));
    // " mtime=8589934592\n" = 18, + 2 = 20
    expect(h.subarray(512, 512 + 21).toString()).toBe("20 mtime=8589934592\n\0");
    expect(h.subarray(1024 + 136, 1024 + 148).toString("latin1")).toBe("77777777777\0");
  });

  it("records in the order path, linkpath, mtime, each only when needed", () => {
    const p = `ds/${"l".repeat(120)}`; // 123 bytes: 6+123+1 = 130 + 3 = 133
    const target = `../${"t".repeat(110)}`; // 113 bytes: 10+113+1 = 124 + 3 = 127
    const records = `133 path=${p}\n127 linkpath=${target}\n15 mtime=-1000\n`; // " mtime=-1000\n" = 13 + 2
    expect(Buffer.byteLength(records)).toBe(133 + 127 + 15);
    expectBytes(
      encodeHeader({ arcPath: p, kind: "symlink", size: 0, mtimeSeconds: -1000, mode: 0o777, linkTarget: target }),
      Buffer.concat([
        paxHeader("00000000423\0"), // 275 = 0o423
        paxData(records),
        block({ name: p.slice(0, 100), mode: "0000777\0", size: "00000000000\0", mtime: "00000000000\0", typeflag: "2", linkname: target.slice(0, 100) }),
      ]),
    );
  });

  it("records longer than one block are padded to a whole number of blocks", () => {
    const p = `r/${"a/".repeat(300)}f`; // 603 bytes: 6+603+1 = 610 + 3 = 613
    const h = encodeHeader(file(p));
    expect(h.length).toBe(512 + 1024 + 512);
    expect(h.subarray(124, 136).toString("latin1")).toBe("00000001145\0"); // 613 = 0o1145
    expect(h.subarray(512, 512 + 613).toString()).toBe(`613 path=${p}\n`);
    expect(h.subarray(512 + 613, 1536).every((b) => b === 0)).toBe(true);
  });

  it("a directory's path record keeps the trailing slash", () => {
    const p = `ds/${"x".repeat(101)}`;
    const h = encodeHeader({ arcPath: p, kind: "dir", size: 0, mtimeSeconds: 0, mode: 0o755, linkTarget: null });
    // 6 + 105 + 1 = 112, + 3 = 115
    expect(h.subarray(512, 512 + 115).toString()).toBe(`115 path=${p}/\n`);
    expect(h[1024 + 156]).toBe(0x35);
  });

  it("the fallback name is cut on a UTF-8 character boundary", () => {
    const p = `d/${"é".repeat(60)}`; // 2 + 120 bytes; byte 100 would split an é
    const h = encodeHeader(file(p));
    // "d/" + 49 é = 100 bytes exactly: the whole field, no NUL.
    expect(h.subarray(1024, 1124).toString("utf8")).toBe(`d/${"é".repeat(49)}`);
    const q = `dd/${"é".repeat(60)}`; // byte 100 is the middle of an é: only 99 bytes fit
    const nameQ = encodeHeader(file(q)).subarray(1024, 1124);
    expect(nameQ.indexOf(0)).toBe(99);
    expect(nameQ.subarray(0, 99).toString("utf8")).toBe(`dd/${"é".repeat(48)}`);
  });

  it(`every PAX header is named ${"././@PaxHeader"}, with fixed fields, so tapes are deterministic`, () => {
    expect(PAX_HEADER_NAME).toBe("././@PaxHeader");
    const a = encodeHeader(file(`a/${"x".repeat(300)}`));
    const b = encodeHeader(file(`b/${"y".repeat(300)}`, { mtimeSeconds: 5 }));
    for (const h of [a, b]) {
      expect(h.subarray(0, 100).toString("latin1")).toBe(`././@PaxHeader${"\0".repeat(86)}`);
      expect(h.subarray(100, 148).toString("latin1")).toBe("0000644\0" + "0000000\0" + "0000000\0" + "00000000470\0" + "00000000000\0"); // 6+302+1 = 309, + 3 = 312 = 0o470
    }
    expect(encodeHeader(file(`a/${"x".repeat(300)}`))).toEqual(a);
  });
});

describe("splitUstarPath", () => {
  const split = (p: string) => {
    const r = splitUstarPath(Buffer.from(p));
    return r && { prefix: r.prefix.toString(), name: r.name.toString() };
  };

  it("keeps paths of up to 100 bytes whole", () => {
    expect(split("a/b")).toEqual({ prefix: "", name: "a/b" });
    expect(split("x".repeat(100))).toEqual({ prefix: "", name: "x".repeat(100) });
  });

  it("refuses what cannot be cut", () => {
    expect(split("x".repeat(101))).toBeNull(); // no slash
    expect(split(`${"x".repeat(100)}/`)).toBeNull(); // the only cut leaves an empty name
    expect(split(`a/${"x".repeat(101)}`)).toBeNull(); // name too long
    expect(split(`${"p".repeat(156)}/n`)).toBeNull(); // prefix too long
    expect(split(`${"p".repeat(155)}/${"n".repeat(101)}`)).toBeNull(); // 256 bytes
  });

  it("takes the rightmost valid cut", () => {
    expect(split(`${"a".repeat(60)}/${"b".repeat(30)}/${"c".repeat(30)}`)).toEqual({ prefix: `${"a".repeat(60)}/${"b".repeat(30)}`, name: "c".repeat(30) });
    expect(split(`${"p".repeat(155)}/n`)).toEqual({ prefix: "p".repeat(155), name: "n" });
  });
});

describe("headerMode and paddingAfter", () => {
  it("normalises modes", () => {
    expect(headerMode("dir", 0o700)).toBe(0o755);
    expect(headerMode("symlink", 0o755)).toBe(0o777);
    expect(headerMode("file", 0o100)).toBe(0o755);
    expect(headerMode("file", 0o640)).toBe(0o644);
  });

  it("pads content to the next multiple of 512", () => {
    expect([0, 1, 511, 512, 513, 1024].map(paddingAfter)).toEqual([0, 511, 1, 0, 511, 0]);
  });
});
