/**
 * The bodies of the `--json` documents, one function per command (schemas in
 * docs/json-output.md). Types only from @tartape/core: `ls` and `verify` must
 * not load its upload half (startup.test.ts); upload's is in upload-document.ts.
 */
import type { AbortResult, CleanupResult, InterruptedCreation, Leftover, UploadStatus } from "@tartape/core";
import type { Difference, TapeEntry, VerifyReport } from "@tartape/core/tape";

export function statusDocument(dir: string, uploads: readonly UploadStatus[], interrupted: readonly InterruptedCreation[]): Record<string, unknown> {
  return { dir, uploads: uploads.map((u) => ({ ...u, options: u.options ?? {} })), interrupted };
}

export function entryDocument(e: TapeEntry): Record<string, unknown> {
  return {
    kind: e.kind,
    path: e.arcPath,
    ...(e.kind === "symlink" ? { linkTarget: e.linkTarget ?? "" } : {}),
    size: e.size,
    start: e.startOffset,
    dataStart: e.dataOffset,
    end: e.endOffset,
    mode: e.mode,
    mtimeNs: e.mtimeNs.toString(),
  };
}

export function verifyDocument(dir: string, report: VerifyReport): Record<string, unknown> {
  return {
    dir,
    deep: report.deep,
    checked: report.checked,
    differences: report.differences.map((d: Difference) => ({ path: d.path, kind: d.kind, change: d.change, expected: d.expected, actual: d.actual })),
  };
}

export function abortDocument(dir: string, targetId: string, result: AbortResult): Record<string, unknown> {
  return {
    dir,
    targetId,
    aborted: result.aborted,
    ...(result.uploadId !== undefined ? { uploadId: result.uploadId } : {}),
    unrecorded: result.unrecorded ?? [],
    otherOptions: result.otherOptions ?? [],
  };
}

function leftoverDocument(l: Leftover): Record<string, unknown> {
  return { kind: l.kind, object: l.object, uploadId: l.uploadId, lastActivity: l.lastActivity.toISOString(), bytes: l.bytes, pieces: l.pieces, proof: l.proof };
}

export function cleanupDocument(result: CleanupResult, olderThanMs: number): Record<string, unknown> {
  return {
    location: result.location,
    dryRun: result.dryRun,
    olderThanMs,
    removed: result.removed.map(leftoverDocument),
    tooRecent: result.tooRecent.map(leftoverDocument),
    notTartapes: result.notTartapes,
  };
}
