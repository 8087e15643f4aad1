/**
 * Source trees of a chosen tape size. A tape is 512 bytes of header per entry,
 * each file's content padded to 512, and a 1024-byte footer (TAPE_FORMAT.md),
 * so the size of a tape is known before recording and a test can aim it at an
 * exact number of parts.
 */
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { BLOCK_SIZE, FOOTER_SIZE, INDEX_DIR_NAME } from "@tartape/core";

const CHUNK = 1024 * 1024;

export function roundUpToBlock(size: number): number {
  return Math.ceil(size / BLOCK_SIZE) * BLOCK_SIZE;
}

/** Tape size of a root folder holding `fileSizes` regular files and `extraDirs` subfolders. */
export function tapeSizeOf(fileSizes: readonly number[], extraDirs = 0): number {
  const entries = 1 + extraDirs + fileSizes.length;
  return entries * BLOCK_SIZE + fileSizes.reduce((sum, size) => sum + roundUpToBlock(size), 0) + FOOTER_SIZE;
}

/** Writes `size` random bytes (incompressible, so no layer can cheat on them). */
export function writeRandomFile(file: string, size: number): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const fd = fs.openSync(file, "w");
  try {
    for (let written = 0; written < size; ) {
      const n = Math.min(CHUNK, size - written);
      fs.writeSync(fd, randomBytes(n));
      written += n;
    }
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Fills `dir` with one file so that its tape is exactly `totalSize` bytes:
 * root header + file header + content + footer.
 */
export function singleFileTree(dir: string, totalSize: number): void {
  const overhead = 2 * BLOCK_SIZE + FOOTER_SIZE;
  if (totalSize % BLOCK_SIZE !== 0 || totalSize < overhead) {
    throw new RangeError(`A tape is a multiple of ${BLOCK_SIZE} bytes and at least ${overhead}; cannot build one of ${totalSize}.`);
  }
  writeRandomFile(path.join(dir, "data.bin"), totalSize - overhead);
}

/**
 * Fills `dir` so that its tape is exactly `totalSize` bytes: `files` (name → size;
 * awkward sizes make entries straddle part boundaries), an empty file, and a
 * filler file in a subfolder sized to land the tape where asked.
 */
export function awkwardTree(dir: string, totalSize: number, files: Readonly<Record<string, number>>): void {
  for (const [name, size] of Object.entries(files)) writeRandomFile(path.join(dir, name), size);
  fs.writeFileSync(path.join(dir, "empty"), "");
  // The empty file and the filler's own header count as two files of size 0, the subfolder as one extra dir.
  const filler = totalSize - tapeSizeOf([...Object.values(files), 0, 0], 1);
  if (filler < 0 || filler % BLOCK_SIZE !== 0) throw new RangeError(`cannot build a tape of ${totalSize} bytes from this tree`);
  writeRandomFile(path.join(dir, "z", "filler.bin"), filler);
}

/** `count` files of `size` bytes named `f-000.bin`…, in tape order. Returns their paths. */
export function equalFilesTree(dir: string, count: number, size: number): string[] {
  const files: string[] = [];
  for (let i = 0; i < count; i++) {
    const file = path.join(dir, `f-${String(i).padStart(3, "0")}.bin`);
    writeRandomFile(file, size);
    files.push(file);
  }
  return files;
}

/** A small tree with every kind of entry and awkward sizes: what a real folder looks like. */
export function mixedTree(dir: string): void {
  fs.mkdirSync(path.join(dir, "docs", "deep", "er"), { recursive: true });
  fs.mkdirSync(path.join(dir, "empty-dir"));
  fs.writeFileSync(path.join(dir, "empty.txt"), "");
  fs.writeFileSync(path.join(dir, "docs", "readme.md"), "# hello\n".repeat(37));
  writeRandomFile(path.join(dir, "docs", "deep", "er", "block.bin"), BLOCK_SIZE);
  writeRandomFile(path.join(dir, "docs", "odd.bin"), 3 * BLOCK_SIZE + 7);
  writeRandomFile(path.join(dir, "space name.bin"), 1);
  fs.symlinkSync("docs/readme.md", path.join(dir, "link-to-readme"));
}

/**
 * Everything a user would notice about a source tree (paths, kinds, sizes,
 * mtimes, content hashes), leaving out tartape's own index folder.
 */
export function snapshotTree(dir: string): Map<string, string> {
  const snapshot = new Map<string, string>();
  const walk = (folder: string): void => {
    for (const name of fs.readdirSync(folder).sort()) {
      if (name === INDEX_DIR_NAME) continue;
      const full = path.join(folder, name);
      const stat = fs.lstatSync(full, { bigint: true });
      const rel = path.relative(dir, full);
      if (stat.isSymbolicLink()) snapshot.set(rel, `link ${fs.readlinkSync(full)} ${stat.mtimeNs}`);
      else if (stat.isDirectory()) {
        snapshot.set(rel, `dir ${stat.mtimeNs}`);
        walk(full);
      } else snapshot.set(rel, `file ${stat.size} ${stat.mtimeNs} ${createHash("sha256").update(fs.readFileSync(full)).digest("hex")}`);
    }
  };
  walk(dir);
  return snapshot;
}
