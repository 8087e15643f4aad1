/** What an entry itself allows, wherever it lands: whether it may be written at all, and the owner it records. */
import type { RemoteEntry } from "../remote/remote-tape.js";
import { symlinkTargetInside } from "./safe-path.js";

/** Why an entry, wherever it lands, may not be written at all; null when it may. */
export function refusalOf(entry: RemoteEntry, components: readonly string[], refusedPaths: ReadonlySet<string>): string | null {
  for (let i = 1; i < components.length; i++) {
    const above = components.slice(0, i).join("/");
    if (refusedPaths.has(above)) return `it lies beneath '${above}', which was refused`;
  }
  if (entry.kind === "other") return "it is a device, FIFO or other special file; only files, folders and links are restored";
  if (components.length === 0 && entry.kind !== "dir") return "its path names the destination itself";
  if (entry.kind === "symlink") {
    const target = symlinkTargetInside(components, entry.linkTarget ?? "");
    if (!target.ok) return target.reason;
  }
  return null;
}

/** The owner and group an entry's header records; tartape's own headers all say 0 (root). */
export function ownerOf(entry: RemoteEntry): { uid: number; gid: number } {
  return { uid: entry.uid ?? 0, gid: entry.gid ?? 0 };
}

