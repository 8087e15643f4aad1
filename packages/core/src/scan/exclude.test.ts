import { describe, expect, it } from "vitest";
import { DEFAULT_EXCLUDES, INDEX_DIR_NAME, makeExcludeMatcher, patternToRegExp } from "./exclude.js";

const matches = (pattern: string, name: string) => patternToRegExp(pattern).test(name);

describe("DEFAULT_EXCLUDES", () => {
  it("is tartape's list", () => {
    expect(DEFAULT_EXCLUDES).toEqual([".DS_Store", "Thumbs.db", "__pycache__", "*.db-wal", "*.db-shm", "*.sock"]);
    expect(INDEX_DIR_NAME).toBe(".tartape");
  });

  it("matches the entry's own name only", () => {
    const ex = makeExcludeMatcher(DEFAULT_EXCLUDES);
    for (const name of [".DS_Store", "Thumbs.db", "__pycache__", "index.db-wal", ".db-shm", "x.sock", "a b.sock"]) expect(ex(name), name).toBe(true);
    for (const name of ["DS_Store", ".DS_Store2", "thumbs.db", "Thumbs.dbx", "__pycache", "index.db", "index.db-walx", "x.socket", "sock"]) expect(ex(name), name).toBe(false);
  });
});

describe("makeExcludeMatcher", () => {
  it("always excludes .tartape, whatever the list", () => {
    expect(makeExcludeMatcher([])(".tartape")).toBe(true);
    expect(makeExcludeMatcher(["*.log"])(".tartape")).toBe(true);
    expect(makeExcludeMatcher([])(".tartape2")).toBe(false);
  });

  it("a user list replaces the defaults", () => {
    const ex = makeExcludeMatcher(["*.log"]);
    expect(ex("a.log")).toBe(true);
    expect(ex(".DS_Store")).toBe(false);
    expect(ex("x.sock")).toBe(false);
  });

  it("exact names are matched exactly, case-sensitively", () => {
    const ex = makeExcludeMatcher(["node_modules", "a.b"]);
    expect(ex("node_modules")).toBe(true);
    expect(ex("Node_modules")).toBe(false);
    expect(ex("aXb")).toBe(false); // the dot is not a wildcard
  });
});

describe("patternToRegExp (fnmatch rules)", () => {
  it("* any run, ? one character (a code point, not a UTF-16 unit)", () => {
    expect(matches("*", "")).toBe(true);
    expect(matches("*", ".hidden")).toBe(true);
    expect(matches("a*z", "a/z")).toBe(true);
    expect(matches("?.txt", "😀.txt")).toBe(true);
    expect(matches("??.txt", "😀.txt")).toBe(false);
    expect(matches("file?", "file")).toBe(false);
    expect(matches("*.TXT", "a.txt")).toBe(false);
  });

  it("sets, negated sets and ranges", () => {
    expect(matches("[abc].txt", "b.txt")).toBe(true);
    expect(matches("[abc].txt", "d.txt")).toBe(false);
    expect(matches("[!abc].txt", "d.txt")).toBe(true);
    expect(matches("[!abc].txt", "a.txt")).toBe(false);
    expect(matches("log[0-9]", "log7")).toBe(true);
    expect(matches("log[0-9]", "logx")).toBe(false);
    expect(matches("[a-]", "-")).toBe(true); // a trailing - is literal
    expect(matches("[-a]", "-")).toBe(true);
    expect(matches("[ü日]", "日")).toBe(true);
  });

  it("odd sets do not throw and mean what fnmatch means", () => {
    expect(matches("[]]", "]")).toBe(true); // ] first is a member
    expect(matches("[!]]", "]")).toBe(false);
    expect(matches("[!]]", "a")).toBe(true);
    expect(matches("[]a]", "a")).toBe(true);
    expect(matches("[z-a]", "m")).toBe(false); // reversed range matches nothing
    expect(matches("[z-a]", "z")).toBe(false);
    expect(matches("[", "[")).toBe(true); // unclosed: a literal [
    expect(matches("a[b", "a[b")).toBe(true);
    expect(matches("[^a]", "^")).toBe(true); // ^ is a member, not a negation
    expect(matches("[^a]", "b")).toBe(false);
    expect(matches("[\\]", "\\")).toBe(true);
    expect(matches("[[]", "[")).toBe(true);
  });

  it("regexp characters are literal", () => {
    expect(matches("a+b(c)|$.^{1}", "a+b(c)|$.^{1}")).toBe(true);
    expect(matches("a+b", "aab")).toBe(false);
    expect(matches("a\\b", "a\\b")).toBe(true);
    expect(matches("a-b/c", "a-b/c")).toBe(true);
  });
});
