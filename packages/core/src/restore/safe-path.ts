/**
 * Which archive paths and link targets may be written under the destination.
 * Pure functions over the names alone; what is on disk is checked at write
 * time (place.ts). Modelled on Python tarfile's `data` filter and on
 * node-tar's advisories: refuse rather than rewrite.
 */
import path from "node:path";

/** Deeper than this is an attack (CVE-2024-28863), not a folder anyone made. */
export const MAX_DEPTH = 1024;
/** Linux's PATH_MAX: longer relative paths cannot be passed to a system call anyway. */
export const MAX_PATH_BYTES = 4095;
/** NAME_MAX of common file systems. */
export const MAX_NAME_BYTES = 255;
/** The restore keeps its journal and temporary files here, inside the destination. */
export const RESTORE_STATE_DIR = ".tartape-restore";

export type Checked<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

const refuse = (reason: string): { ok: false; reason: string } => ({ ok: false, reason });

/**
 * The components of an archive path relative to the destination, or why it
 * is refused. `.` components and trailing slashes are dropped (`./a/` is `a`);
 * an empty result is the destination itself.
 */
export function relativeComponents(archivePath: string): Checked<string[]> {
  if (archivePath.includes("\0")) return refuse("its path holds a NUL byte");
  if (archivePath.startsWith("/")) return refuse("its path is absolute");
  if (Buffer.byteLength(archivePath) > MAX_PATH_BYTES) return refuse(`its path is longer than ${MAX_PATH_BYTES} bytes`);
  const components = archivePath.split("/").filter((c) => c !== "" && c !== ".");
  if (components.includes("..")) return refuse("its path holds a '..' component");
  if (components.length > MAX_DEPTH) return refuse(`its path is ${components.length} folders deep (at most ${MAX_DEPTH})`);
  if (components.some((c) => Buffer.byteLength(c) > MAX_NAME_BYTES)) return refuse(`a name in its path is longer than ${MAX_NAME_BYTES} bytes`);
  if (components[0] === RESTORE_STATE_DIR) return refuse(`its path is inside ${RESTORE_STATE_DIR}, where the restore keeps its journal`);
  return { ok: true, value: components };
}

/**
 * Whether a symbolic link at `components` pointing at `target` stays inside
 * the destination, read lexically from the link's folder (the links and
 * folders it passes through are the tape's own, each checked when written).
 */
export function symlinkTargetInside(components: readonly string[], target: string): Checked<string> {
  if (target === "") return refuse("its link target is empty");
  if (target.includes("\0")) return refuse("its link target holds a NUL byte");
  if (target.startsWith("/")) return refuse(`it links to the absolute path ${target}, outside the destination`);
  const resolved = path.posix.normalize(path.posix.join(...components.slice(0, -1), target));
  if (resolved === ".." || resolved.startsWith("../")) return refuse(`it links to ${target}, outside the destination`);
  return { ok: true, value: target };
}
