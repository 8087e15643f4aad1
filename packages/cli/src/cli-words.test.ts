import fs from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { IndexExistsError, OPTION_WORDS, UploadOptionsChangedError } from "@tartape/core/tape";
import { cliMessage, cliOptionWords, inCliWords, sizeFlagValue } from "./cli-words.js";

describe("CLI words", () => {
  it("swaps every library option phrase for its flag", () => {
    expect(inCliWords(`Run again with ${OPTION_WORDS.restart} to start over.`)).toBe("Run again with --restart to start over.");
    expect(inCliWords(`Pass ${OPTION_WORDS.overwrite} to record it again.`)).toBe("Pass --force to record it again.");
    expect(cliMessage(new IndexExistsError("/d/.tartape/index.db"))).not.toMatch(/overwrite|\(CLI:/);
  });

  it("writes options with values as flags, part sizes exactly", () => {
    expect(sizeFlagValue(8 * 1024 * 1024)).toBe("8MiB");
    expect(sizeFlagValue(4096)).toBe("4KiB");
    expect(sizeFlagValue(3 * 1024 ** 3)).toBe("3GiB");
    expect(sizeFlagValue(5000)).toBe("5000");
    expect(cliOptionWords("partSize", String(5 * 1024 * 1024))).toBe("--part-size 5MiB");
    expect(cliOptionWords("checksum", "crc32")).toBe("--checksum crc32");
  });

  it("words an options error with flags", () => {
    const err = new UploadOptionsChangedError("s3://b/k", { targetId: "s3://b/k?checksum=crc32", uploadId: "u1" }, [{ option: "checksum", inProgress: "crc32", requested: "md5" }]);
    expect(err.message).toContain('checksum: "crc32"');
    expect(cliMessage(err)).toBe(
      "An upload to s3://b/k is in progress (upload u1) with --checksum crc32; this run asks for --checksum md5, which would be another upload and leave that one's parts stored on the server. " +
        "Run again with --checksum crc32 to continue it, or with --restart to abort it and start over with --checksum md5.",
    );
  });
});

/** Library words a message printed by the CLI must never contain. */
const LIBRARY_WORDS = [/restart: true/, /overwrite: true/, /overwrite \(/, /\(CLI:/, /connectionString/, /s3Target/];

/**
 * Where library words may be written: the phrase table the CLI swaps (option-words.ts) and the
 * library's own wording of options (upload-options-error.ts, which the CLI words with flags).
 */
const PHRASE_SOURCES = new Set(["core/src/option-words.ts", "core/src/upload-options-error.ts"]);

/** The text of every string literal and template part in the non-test sources of the packages. */
function sourceStrings(): Array<{ file: string; text: string }> {
  const packagesDir = path.resolve(import.meta.dirname, "..", "..");
  const found: Array<{ file: string; text: string }> = [];
  for (const pkg of fs.readdirSync(packagesDir)) {
    const src = path.join(packagesDir, pkg, "src");
    if (!fs.existsSync(src)) continue;
    for (const rel of fs.readdirSync(src, { recursive: true, encoding: "utf8" })) {
      if (!rel.endsWith(".ts") || rel.endsWith(".test.ts")) continue;
      const file = `${pkg}/src/${rel}`;
      if (PHRASE_SOURCES.has(file)) continue;
      const source = ts.createSourceFile(file, fs.readFileSync(path.join(src, rel), "utf8"), ts.ScriptTarget.Latest, true);
      const visit = (node: ts.Node): void => {
        if (ts.isStringLiteralLike(node) || ts.isTemplateHead(node) || ts.isTemplateMiddle(node) || ts.isTemplateTail(node)) {
          // A bare identifier is a key (an option's name), not words for people.
          if (!/^[A-Za-z_$][\w$]*$/.test(node.text)) found.push({ file, text: node.text });
        }
        ts.forEachChild(node, visit);
      };
      visit(source);
    }
  }
  return found;
}

describe("every CLI message is in CLI words", () => {
  it("no source writes library words into a message except through OPTION_WORDS, which the CLI swaps", () => {
    const strings = sourceStrings();
    expect(strings.length, "the scan found the sources").toBeGreaterThan(500);
    const offending = strings.filter((s) => LIBRARY_WORDS.some((w) => w.test(s.text))).map((s) => `${s.file}: ${JSON.stringify(s.text)}`);
    expect(offending).toEqual([]);
  });

  it("no message promises a retry: only the driver knows whether a call is retried, and says so after the fact", () => {
    const promises = sourceStrings().filter((s) => /\b(is|are|will be|gets) retried\b/i.test(s.text));
    expect(promises.map((s) => `${s.file}: ${JSON.stringify(s.text)}`)).toEqual([]);
  });

  it("each OPTION_WORDS phrase has a CLI wording free of library words", () => {
    for (const phrase of Object.values(OPTION_WORDS)) {
      const swapped = inCliWords(`before ${phrase} after`);
      for (const w of LIBRARY_WORDS) expect(swapped, phrase).not.toMatch(w);
    }
  });

  it("the scan would catch one: a message with library words is found", () => {
    const source = ts.createSourceFile("x.ts", 'throw new Error(`Run again with restart: true (CLI: --restart).`);', ts.ScriptTarget.Latest, true);
    let text = "";
    source.forEachChild(function visit(node): void {
      if (ts.isNoSubstitutionTemplateLiteral(node)) text = node.text;
      node.forEachChild(visit);
    });
    expect(LIBRARY_WORDS.some((w) => w.test(text))).toBe(true);
  });
});
