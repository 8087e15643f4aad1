// The source directory of the upload benchmark: `bigCount` files of
// pseudo-random bytes (incompressible, so no layer can cheat) and a few
// thousand small files of 0..16 KiB spread over sub-directories. Built once
// under bench/.data and reused: a marker file says it is complete.
import { randomFillSync } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { writeRandomFile } from "../lib/random-file.mjs";

const MiB = 1024 * 1024;
const SMALL_PER_DIR = 100;
const SMALL_MAX = 16 * 1024;


/**
 * Returns `{ dir, built }`: `<dataRoot>/upload-<shape>/src`, built now unless
 * a complete copy is already there (or `regen`).
 */
export function uploadDataset({ dataRoot, bigCount, bigBytes, smallCount, regen, log }) {
  const parent = path.join(dataRoot, `upload-${bigCount}x${bigBytes / MiB}MiB-${smallCount}small`);
  const dir = path.join(parent, "src");
  const marker = path.join(parent, ".complete");
  if (!regen && fs.existsSync(marker)) return { dir, parent, built: false };

  fs.rmSync(parent, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  log(`generating ${dir} (${bigCount} x ${bigBytes / MiB} MiB + ${smallCount} small files) ...`);
  const buf = Buffer.allocUnsafe(8 * MiB);
  for (let i = 0; i < bigCount; i++) writeRandomFile(path.join(dir, `big-${String(i).padStart(2, "0")}.bin`), bigBytes, buf);
  // Sizes spread over 0..16 KiB by a fixed sequence, so every build has the same shape.
  for (let i = 0; i < smallCount; i++) {
    const sub = path.join(dir, "small", `d${String(Math.floor(i / SMALL_PER_DIR)).padStart(3, "0")}`);
    if (i % SMALL_PER_DIR === 0) fs.mkdirSync(sub, { recursive: true });
    const size = (i * 2654435761) % (SMALL_MAX + 1);
    randomFillSync(buf, 0, size);
    fs.writeFileSync(path.join(sub, `f${String(i).padStart(5, "0")}.dat`), buf.subarray(0, size));
  }
  fs.writeFileSync(marker, new Date().toISOString());
  return { dir, parent, built: true };
}
