/**
 * Exclude patterns, matched against an entry's own name (not its path) with
 * shell-style wildcards, case-sensitive, as Python's fnmatch does on POSIX:
 * `*` any run, `?` one character, `[abc]` / `[!abc]` a set, `[a-z]` a range.
 */
export const DEFAULT_EXCLUDES: readonly string[] = [".DS_Store", "Thumbs.db", "__pycache__", "*.db-wal", "*.db-shm", "*.sock"];

/** The index folder is never part of a tape, whatever the user's list says. */
export const INDEX_DIR_NAME = ".tartape";

function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|]/g, "\\$&");
}

export function patternToRegExp(pattern: string): RegExp {
  let source = "";
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] as string;
    if (ch === "*") source += "[\\s\\S]*";
    else if (ch === "?") source += "[\\s\\S]";
    else if (ch === "[") {
      const close = pattern.indexOf("]", i + 2);
      if (close === -1) {
        source += "\\[";
        continue;
      }
      let set = pattern.slice(i + 1, close);
      const negate = set.startsWith("!");
      if (negate) set = set.slice(1);
      source += `[${negate ? "^" : ""}${set.replace(/\\/g, "\\\\").replace(/\^/g, "\\^")}]`;
      i = close;
    } else source += escapeRegExp(ch);
  }
  return new RegExp(`^${source}$`, "u");
}

export type ExcludeMatcher = (name: string) => boolean;

export function makeExcludeMatcher(patterns: readonly string[]): ExcludeMatcher {
  const exact = new Set(patterns.filter((p) => !/[*?[]/.test(p)));
  const globs = patterns.filter((p) => /[*?[]/.test(p)).map(patternToRegExp);
  return (name) => name === INDEX_DIR_NAME || exact.has(name) || globs.some((re) => re.test(name));
}
