/**
 * A large random tree, fully determined by its seed (names, nesting, sizes,
 * contents, modes, mtimes), for comparing the tapes of two implementations of
 * recording on many entries. It mixes what the tape order and the header
 * encoder care about: names that sort differently as UTF-16 and as UTF-8
 * bytes, `-`, `.` and ` ` around `/`, paths and link targets beyond ustar
 * (PAX), mtimes before 1970, empty folders and files, symlinks.
 *
 * Plain node:fs only (no test framework), so a script can build it too.
 */
import fs from "node:fs";
import path from "node:path";
import { seededRandom as random } from "../seeded-random.js";


/** Name pieces: ASCII, punctuation that sorts around "/", and characters above U+D800 (emoji, fullwidth, CJK). */
const PIECES = ["a", "b", "z", "A", "0", "9", "-", ".", " ", "_", "~", "é", "ü", "ß", "日本", "😀", "\uFF01", "\uFFFD", "x".repeat(40)];

function makeName(next: () => number): string {
  const parts = 1 + Math.floor(next() * 4);
  let name = "";
  for (let i = 0; i < parts; i++) name += PIECES[Math.floor(next() * PIECES.length)];
  // Now and then a component over 100 bytes (a PAX path).
  if (next() < 0.004) name += "L".repeat(101);
  return name === "." || name === ".." ? `${name}x` : name;
}

/**
 * Mtimes that a double holds exactly (whole seconds plus a multiple of 1/256 s),
 * so utimes sets the same nanoseconds everywhere; some before 1970 (PAX mtime).
 */
function makeMtime(next: () => number): number | Date {
  const frac = Math.floor(next() * 256) / 256;
  // Node's utimes takes a negative number for "now"; a Date is taken as it is (whole seconds: a Date holds milliseconds).
  if (next() < 0.003) return new Date(-Math.floor(next() * 1e8) * 1000);
  return 1_000_000_000 + Math.floor(next() * 700_000_000) + frac;
}

/** Builds the tree at `<parent>/<name>` with `entries` entries (the root included); returns its path. */
export function randomTree(parent: string, entries: number, seed: number, name = "rand"): string {
  const next = random(seed);
  const root = path.join(parent, name);
  fs.mkdirSync(root, { recursive: true });
  const dirs: string[] = [root];
  const made: Array<{ path: string; mtime: number | Date; link: boolean }> = [];
  const taken = new Set<string>();
  let count = 1;
  while (count < entries) {
    const dir = dirs[Math.floor(next() * dirs.length)] as string;
    const child = path.join(dir, makeName(next));
    if (taken.has(child) || Buffer.byteLength(child) - Buffer.byteLength(root) > 2000) continue;
    taken.add(child);
    const roll = next();
    if (roll < 0.12) {
      fs.mkdirSync(child);
      fs.chmodSync(child, next() < 0.1 ? 0o700 : 0o755);
      dirs.push(child);
      made.push({ path: child, mtime: makeMtime(next), link: false });
    } else if (roll < 0.17) {
      const target = next() < 0.05 ? `../${"t".repeat(120)}` : makeName(next);
      fs.symlinkSync(target, child);
      made.push({ path: child, mtime: makeMtime(next), link: true });
    } else {
      const size = next() < 0.1 ? 0 : Math.floor(next() * (next() < 0.05 ? 5000 : 700));
      const content = Buffer.alloc(size, Math.floor(next() * 256));
      fs.writeFileSync(child, content);
      fs.chmodSync(child, [0o644, 0o600, 0o755, 0o664, 0o640][Math.floor(next() * 5)] as number);
      made.push({ path: child, mtime: makeMtime(next), link: false });
    }
    count++;
  }
  // Mtimes last, deepest first (creating a child changes its folder's mtime), the root at the end.
  made.sort((a, b) => b.path.length - a.path.length);
  for (const m of made) {
    if (m.link) fs.lutimesSync(m.path, m.mtime, m.mtime);
    else fs.utimesSync(m.path, m.mtime, m.mtime);
  }
  fs.utimesSync(root, 1_700_000_000, 1_700_000_000);
  return root;
}
