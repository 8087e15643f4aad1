/**
 * `--only PATH|GLOB`: which entries a restore writes. A path chooses the entry
 * and everything beneath it; a glob (`*`, `?`, `[`, `{`) chooses each entry
 * it matches, and everything beneath a match.
 */
import path from "node:path";

const GLOB_CHARS = /[*?[\]{}]/;

export type EntryFilter = (entryPath: string) => boolean;

export function selectEntries(only: readonly string[] | undefined): EntryFilter {
  if (only === undefined || only.length === 0) return () => true;
  const tests = only.map((pattern): EntryFilter => {
    const wanted = pattern.replace(/^\.\/+/, "").replace(/\/+$/, "");
    if (!GLOB_CHARS.test(wanted)) return (p) => p === wanted || p.startsWith(`${wanted}/`);
    return (p) => {
      // The entry or any folder above it.
      for (let cut = p.length; cut > 0; cut = p.lastIndexOf("/", cut - 1)) if (path.posix.matchesGlob(p.slice(0, cut), wanted)) return true;
      return false;
    };
  });
  return (p) => tests.some((test) => test(p));
}
