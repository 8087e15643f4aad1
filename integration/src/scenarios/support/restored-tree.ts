/**
 * A tree as a restore must give it back: kinds, the modes a tape keeps
 * (0755 or 0644 for files), whole-second mtimes (pre-1970 too), contents and
 * link targets. The root's mtime is left out: recording creates the index
 * folder in it (TAPE_FORMAT.md), and tartape's own checks ignore it too.
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { INDEX_DIR_NAME } from "@tartape/core";

export function restoredView(dir: string): Map<string, string> {
  const view = new Map<string, string>();
  const visit = (rel: string): void => {
    const full = rel === "" ? dir : path.join(dir, rel);
    const stat = fs.lstatSync(full);
    const mtime = rel === "" ? "-" : String(Math.floor(stat.mtimeMs / 1000));
    if (stat.isSymbolicLink()) view.set(rel, `link -> ${fs.readlinkSync(full)} mtime ${mtime}`);
    else if (stat.isDirectory()) {
      view.set(rel, `dir mtime ${mtime}`);
      for (const name of fs.readdirSync(full).sort()) if (name !== INDEX_DIR_NAME) visit(rel === "" ? name : `${rel}/${name}`);
    } else {
      const mode = stat.mode & 0o111 ? "755" : "644";
      view.set(rel, `file ${mode} ${stat.size} mtime ${mtime} sha256 ${createHash("sha256").update(fs.readFileSync(full)).digest("hex")}`);
    }
  };
  visit("");
  return view;
}

/** The entries of `restored` that differ from `source` (missing, extra or changed), one line each; empty when equal. */
export function treeDifferences(source: string, restored: string): string[] {
  const [a, b] = [restoredView(source), restoredView(restored)];
  const out: string[] = [];
  for (const [rel, what] of a) if (b.get(rel) !== what) out.push(`${rel || "."}: source ${what}, restored ${b.get(rel) ?? "missing"}`);
  for (const rel of b.keys()) if (!a.has(rel)) out.push(`${rel}: only in the restored tree`);
  return out;
}
