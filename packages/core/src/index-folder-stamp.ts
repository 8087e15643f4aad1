/**
 * Creating the index folder (`.tartape`) inside the directory changes the
 * mtime of the directory that holds it, and that mtime is in the directory's
 * header: recorded again, an unchanged tree would make another tape (another
 * fingerprint), and an upload in progress could not be resumed.
 *
 * So the recording that creates the folder notes that directory's mtime just
 * before and just after creating it (a "stamp", kept in the index). A later
 * recording that finds the directory still at the "after" mtime (nothing was
 * created, removed or renamed in it since) writes the "before" mtime in its
 * header, as the first recording did. The first recording itself is untouched:
 * it is scanned before the folder exists, so it stays byte-identical to
 * tartape 2.3.3. Nothing of the user's is ever modified (no utimes).
 *
 * Taking the wrong mtime could not hide a change: any file added, removed or
 * renamed in that directory is an entry of the tape as well.
 */
import fs from "node:fs";
import path from "node:path";
import type { ScannedEntry } from "./scan/scan.js";

/** The meta key the stamp is kept under (a JSON FolderStamp). */
export const FOLDER_STAMP_META = "index_folder_stamp";

export interface FolderStamp {
  /** Real path of the directory the index folder was created in. */
  readonly dir: string;
  /** Its mtime in nanoseconds, as decimal strings: before and after the folder was created. */
  readonly beforeNs: string;
  readonly afterNs: string;
}

/**
 * The existing directory in which recording into `indexFolder` will create the
 * first new folder, with its mtime now; null when `indexFolder` exists already.
 */
export function beforeCreating(indexFolder: string): { dir: string; beforeNs: bigint } | null {
  let current = path.resolve(indexFolder);
  let missing = false;
  for (;;) {
    if (fs.existsSync(current)) {
      if (!missing) return null;
      const dir = fs.realpathSync(current);
      return { dir, beforeNs: fs.statSync(dir, { bigint: true }).mtimeNs };
    }
    missing = true;
    const parent = path.dirname(current);
    if (parent === current) return null;
    current = parent;
  }
}

/** The stamp, once the folder exists. */
export function afterCreating(before: { dir: string; beforeNs: bigint }): FolderStamp {
  const afterNs = fs.statSync(before.dir, { bigint: true }).mtimeNs;
  return { dir: before.dir, beforeNs: String(before.beforeNs), afterNs: String(afterNs) };
}

export function parseStamp(json: string | undefined): FolderStamp | null {
  if (json === undefined) return null;
  try {
    const s = JSON.parse(json) as Partial<FolderStamp>;
    return typeof s.dir === "string" && typeof s.beforeNs === "string" && typeof s.afterNs === "string" ? (s as FolderStamp) : null;
  } catch {
    return null;
  }
}

/**
 * What puts the stamp's "before" mtime on the walked directory it names, if
 * that directory is still at the "after" mtime: applied to each entry as the
 * walk hands it out (a recording holds no list of entries to change afterwards).
 * Null when the stamp's directory is not in the tree at `root`.
 */
export function stampAdjuster(root: string, stamp: FolderStamp): ((entry: ScannedEntry) => void) | null {
  const relative = path.relative(root, stamp.dir);
  if (relative.startsWith("..") || path.isAbsolute(relative)) return null;
  const afterNs = BigInt(stamp.afterNs);
  const beforeNs = BigInt(stamp.beforeNs);
  return (entry) => {
    if (entry.kind === "dir" && entry.mtimeNs === afterNs && entry.realPath === stamp.dir) entry.mtimeNs = beforeNs;
  };
}
