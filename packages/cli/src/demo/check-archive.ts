/**
 * The demo's proof that the uploaded file is a real, faithful TAR: it equals
 * the tape byte for byte, GNU tar lists every entry in tape order, and what
 * GNU tar extracts matches the source directory.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { Readable } from "node:stream";
import type { Tape, TapeEntry } from "@tartape/core/tape";

export interface CheckResult {
  readonly ok: boolean;
  readonly message: string;
}

async function sha256Of(stream: Readable): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/** The file equals what `tartape cat` writes for this tape. */
export async function compareWithTape(file: string, tape: Tape): Promise<CheckResult> {
  const [fromFile, fromTape] = await Promise.all([sha256Of(fs.createReadStream(file)), sha256Of(tape.createReadStream())]);
  return fromFile === fromTape
    ? { ok: true, message: `${path.basename(file)} is byte-for-byte the tape (what \`tartape cat\` writes): sha256 ${fromFile.slice(0, 16)}...` }
    : { ok: false, message: `${file} (sha256 ${fromFile}) differs from the tape (sha256 ${fromTape})` };
}

/** GNU tar, or null when `tar` is missing or another implementation. */
export function gnuTarVersion(): string | null {
  const run = spawnSync("tar", ["--version"], { encoding: "utf8" });
  const first = run.status === 0 ? run.stdout.split("\n")[0] ?? "" : "";
  return first.includes("GNU tar") ? first : null;
}

function tar(args: string[]): { ok: boolean; stdout: string; stderr: string } {
  const run = spawnSync("tar", ["--quoting-style=literal", ...args], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  return { ok: run.status === 0, stdout: run.stdout ?? "", stderr: (run.stderr ?? "").trim() || String(run.error ?? "") };
}

/** `tar -tf` names every entry, in the tape's order (directories with a trailing slash). */
export function checkListing(file: string, entries: readonly TapeEntry[]): CheckResult {
  const listed = tar(["-tf", file]);
  if (!listed.ok) return { ok: false, message: `tar -tf ${file} failed: ${listed.stderr}` };
  const names = listed.stdout.split("\n").filter((line) => line !== "");
  const expected = entries.map((e) => (e.kind === "dir" ? `${e.arcPath}/` : e.arcPath));
  const firstDiff = expected.findIndex((name, i) => names[i] !== name);
  if (firstDiff !== -1 || names.length !== expected.length) {
    const at = firstDiff === -1 ? expected.length : firstDiff;
    return { ok: false, message: `tar -tf lists ${names.length} entries, the tape has ${expected.length}; first difference at #${at + 1}: '${names[at] ?? "(none)"}' vs '${expected[at] ?? "(none)"}'` };
  }
  return { ok: true, message: `GNU tar lists all ${names.length} entries, in tape order` };
}

function sameFile(a: string, b: string): boolean {
  return fs.statSync(a).size === fs.statSync(b).size && fs.readFileSync(a).equals(fs.readFileSync(b));
}

/** `tar -xf` into `into`: every file, folder and symlink comes out as it is in the source. */
export function checkExtraction(file: string, entries: readonly TapeEntry[], into: string): CheckResult {
  fs.mkdirSync(into, { recursive: true });
  const extracted = tar(["-xf", file, "-C", into]);
  if (!extracted.ok) return { ok: false, message: `tar -xf ${file} failed: ${extracted.stderr}` };
  for (const e of entries) {
    const out = path.join(into, ...e.arcPath.split("/"));
    let stat: fs.Stats;
    try {
      stat = fs.lstatSync(out);
    } catch {
      return { ok: false, message: `${e.arcPath} is missing from what tar extracted` };
    }
    const same =
      e.kind === "dir" ? stat.isDirectory() : e.kind === "symlink" ? stat.isSymbolicLink() && fs.readlinkSync(out) === e.linkTarget : stat.isFile() && sameFile(out, e.realPath);
    if (!same) return { ok: false, message: `${e.arcPath} (${e.kind}) does not come out of tar as it went in` };
  }
  return { ok: true, message: `GNU tar extracts every file, folder and symlink exactly as in the source (${into})` };
}
