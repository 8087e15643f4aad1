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

/** Escapes one character for use inside a `u`-mode character class. */
function escapeInClass(ch: string): string {
  return /[\\\]\[^-]/.test(ch) ? `\\${ch}` : ch;
}

/**
 * The regexp character class for the body of a `[...]` set (without a leading
 * `!`), as fnmatch builds it: `a-z` ranges, a `-` first or last is literal,
 * reversed ranges (`z-a`) match nothing.
 */
function classBody(body: string): string {
  const chars = Array.from(body);
  let out = "";
  for (let k = 0; k < chars.length; k++) {
    const ch = chars[k] as string;
    const to = chars[k + 2];
    if (chars[k + 1] === "-" && to !== undefined) {
      if ((ch.codePointAt(0) as number) <= (to.codePointAt(0) as number)) out += `${escapeInClass(ch)}-${escapeInClass(to)}`;
      k += 2;
    } else out += escapeInClass(ch);
  }
  return out;
}

/** Translates a shell wildcard pattern the way Python's `fnmatch.translate` does. Never throws. */
export function patternToRegExp(pattern: string): RegExp {
  const chars = Array.from(pattern);
  let source = "";
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i] as string;
    if (ch === "*") source += "[\\s\\S]*";
    else if (ch === "?") source += "[\\s\\S]";
    else if (ch === "[") {
      // A `]` right after `[` or `[!` is a member of the set, not its end.
      let j = i + 1;
      if (chars[j] === "!") j++;
      if (chars[j] === "]") j++;
      while (j < chars.length && chars[j] !== "]") j++;
      if (j >= chars.length) {
        source += "\\[";
        continue;
      }
      let body = chars.slice(i + 1, j).join("");
      const negate = body.startsWith("!");
      if (negate) body = body.slice(1);
      const cls = classBody(body);
      if (cls === "") source += negate ? "[\\s\\S]" : "(?!)";
      else source += `[${negate ? "^" : ""}${cls}]`;
      i = j;
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
