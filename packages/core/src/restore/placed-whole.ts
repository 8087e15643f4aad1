/**
 * A restore killed between renaming a checked file into place and recording
 * it leaves the file under its real name and, in the journal, only a prefix
 * of it. The rerun keeps such a file instead of fetching it again.
 */
import fs from "node:fs";
import { crc32, crc32Hex } from "../remote/crc32.js";
import type { RemoteEntry } from "../remote/remote-tape.js";
import type { Destination } from "./destination.js";

/**
 * Whether a file an earlier run began (the journal holds a prefix of it) but
 * whose partial file is gone stands whole under its real name: its size and
 * CRC-32 are the catalog's. The writer renames a file only once it is checked
 * and has its mode and mtime, so such a file was put there by that run, which
 * was killed before its journal said so.
 */
export function placedWhole(destination: Destination, entry: RemoteEntry, components: readonly string[]): boolean {
  if (entry.crc32 === undefined || destination.ensureDirs(components.slice(0, -1), false) !== null) return false;
  const file = destination.absolute(components);
  if (fs.lstatSync(file, { throwIfNoEntry: false })?.isFile() !== true) return false;
  let fd: number;
  try {
    // O_NOFOLLOW: a link put there meanwhile is not read through.
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
  } catch {
    return false;
  }
  try {
    if (fs.fstatSync(fd).size !== entry.size) return false;
    const buffer = Buffer.allocUnsafe(Math.min(entry.size, 1024 * 1024));
    let crc = 0;
    for (let n; (n = fs.readSync(fd, buffer, 0, buffer.length, null)) > 0; ) crc = crc32(buffer.subarray(0, n), crc);
    return crc32Hex(crc) === entry.crc32;
  } finally {
    fs.closeSync(fd);
  }
}

