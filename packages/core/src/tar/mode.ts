/** The permission bits a header stores. */
import type { EntryKind } from "../types.js";

/** The mode a header stores: normalised so the tape does not depend on umask or owner. */
export function headerMode(kind: EntryKind, mode: number): number {
  if (kind === "dir") return 0o755;
  if (kind === "symlink") return 0o777;
  return mode & 0o111 ? 0o755 : 0o644;
}
