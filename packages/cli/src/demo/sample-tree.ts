/**
 * The demo's sample directory: a few hundred files of mixed sizes in nested
 * folders, with a symlink, an empty folder, an executable, names in several
 * scripts, and a name too long for a plain ustar header. Content, modes and
 * modification times are fixed, so the tape (and its fingerprint) is the same
 * on every machine and every run.
 */
import fs from "node:fs";
import path from "node:path";
import { seededRandom } from "@tartape/core/tape";

export interface SampleStats {
  readonly files: number;
  readonly dirs: number;
  readonly symlinks: number;
  readonly bytes: number;
}

/** 2024-01-01T00:00:00Z; entry n is stamped n minutes later. */
const BASE_MTIME = 1_704_067_200;

function binaryContent(size: number, seed: number): Buffer {
  const next = seededRandom(seed);
  const buf = Buffer.allocUnsafe(size);
  for (let i = 0; i < size; i++) buf[i] = Math.floor(next() * 256);
  return buf;
}

const WORDS = ["tape", "volume", "part", "offset", "header", "block", "resume", "index", "upload", "entry", "stream", "fingerprint", "archive", "byte"];

function textContent(size: number, seed: number): Buffer {
  const next = seededRandom(seed);
  let text = "";
  while (text.length < size) text += `${WORDS[Math.floor(next() * WORDS.length)]}${next() < 0.1 ? ".\n" : " "}`;
  return Buffer.from(text.slice(0, size), "latin1");
}

interface Plan {
  readonly files: Array<{ rel: string; content: Buffer; mode: number }>;
  readonly dirs: string[];
  readonly symlinks: Array<{ rel: string; target: string }>;
}

function planSample(): Plan {
  const files: Plan["files"] = [];
  const dirs = new Set<string>();
  const addFile = (rel: string, content: Buffer, mode = 0o644) => {
    files.push({ rel, content, mode });
    for (let d = path.posix.dirname(rel); d !== "."; d = path.posix.dirname(d)) dirs.add(d);
  };
  const sizes = seededRandom(42);

  addFile("README.txt", Buffer.from("A sample directory made by `tartape demo`. Every byte and time in it is fixed.\n"));
  // Sizes around the 512-byte block boundary, where tar padding is easiest to get wrong.
  for (const size of [0, 1, 511, 512, 513, 1023, 1024, 1025]) addFile(`edges/size-${size}.bin`, binaryContent(size, size + 1));
  for (let m = 1; m <= 12; m++) {
    for (let f = 1; f <= 15; f++) {
      const size = Math.floor(sizes() * 6000);
      addFile(`src/module-${String(m).padStart(2, "0")}/file-${String(f).padStart(2, "0")}.ts`, textContent(size, m * 100 + f));
    }
  }
  for (let n = 1; n <= 60; n++) addFile(`docs/notes/note-${String(n).padStart(3, "0")}.md`, textContent(200 + Math.floor(sizes() * 3000), 5000 + n));
  for (let n = 1; n <= 30; n++) {
    const size = 20_000 + Math.floor(sizes() * 120_000);
    addFile(`photos/${2020 + (n % 5)}/img-${String(n).padStart(4, "0")}.raw`, binaryContent(size, 9000 + n));
  }
  addFile("photos/panorama.raw", binaryContent(1_572_864 + 123, 777));
  addFile("bin/run.sh", Buffer.from("#!/bin/sh\necho 'hello from the tape'\n"), 0o755);
  // Names in several scripts, with spaces: the tape holds them as UTF-8, byte-for-byte.
  addFile("unicode/café.txt", textContent(300, 1));
  addFile("unicode/naïve résumé.txt", textContent(400, 2));
  addFile("unicode/日本語/ファイル.txt", textContent(500, 3));
  addFile("unicode/Ελληνικά/αρχείο.txt", textContent(600, 4));
  addFile("unicode/emoji 🎉 party.md", textContent(700, 5));
  // Over 100 bytes in one name: a PAX header carries it.
  addFile(`long-names/${"a-rather-long-file-name-".repeat(5)}end.txt`, textContent(123, 6));
  addFile(`long-names/${"nested-folder-".repeat(3)}/${"deeper-still-".repeat(3)}/${"and-the-file-".repeat(3)}.txt`, textContent(99, 7));
  dirs.add("empty");

  return {
    files,
    dirs: [...dirs].sort(),
    symlinks: [
      { rel: "latest-photos", target: "photos/2024" },
      { rel: "docs/start-here.md", target: "notes/note-001.md" },
    ],
  };
}

/** Creates the sample under `root`, which must not exist yet. */
export function createSampleTree(root: string): SampleStats {
  const plan = planSample();
  fs.mkdirSync(root, { recursive: true, mode: 0o755 });
  for (const d of plan.dirs) fs.mkdirSync(path.join(root, d), { recursive: true });
  let stamp = 0;
  const mtime = () => BASE_MTIME + 60 * stamp++;
  let bytes = 0;
  for (const f of plan.files) {
    const file = path.join(root, f.rel);
    fs.writeFileSync(file, f.content);
    fs.chmodSync(file, f.mode);
    const t = mtime();
    fs.utimesSync(file, t, t);
    bytes += f.content.length;
  }
  for (const s of plan.symlinks) {
    const link = path.join(root, s.rel);
    fs.symlinkSync(s.target, link);
    const t = mtime();
    fs.lutimesSync(link, t, t);
  }
  // Folders last, deepest first: creating entries inside a folder changes its mtime.
  for (const d of [...plan.dirs].reverse().concat(".")) {
    const dir = path.join(root, d);
    fs.chmodSync(dir, 0o755);
    const t = mtime();
    fs.utimesSync(dir, t, t);
  }
  return { files: plan.files.length, dirs: plan.dirs.length + 1, symlinks: plan.symlinks.length, bytes };
}
