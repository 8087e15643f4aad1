/**
 * Checks a committed blob against what was sent. Azure computes no checksum
 * of a block blob assembled by Put Block List (its Content-MD5 stays empty
 * unless the client sets one, which would need the whole tape read again), so
 * the proof is structural: every block was MD5-checked by the service when it
 * was staged, and the committed block list must name exactly those blocks, in
 * order, with their sizes, adding up to the tape's size.
 */
import { IntegrityMismatchError, OPTION_WORDS } from "@tartape/core";

export interface ExpectedBlock {
  readonly blockId: string;
  readonly size: number;
}

export interface CommittedBlock {
  readonly name: string;
  readonly size: number;
}

export function verifyCommittedBlocks(
  targetId: string,
  committed: readonly CommittedBlock[],
  contentLength: number | undefined,
  expected: readonly ExpectedBlock[],
  totalSize: number,
): void {
  const redo = `Run the upload again with ${OPTION_WORDS.restart} to upload it anew.`;
  if (committed.length !== expected.length) {
    throw new IntegrityMismatchError(`${targetId} was committed with ${committed.length} blocks; tartape sent ${expected.length}. ${redo}`);
  }
  for (let i = 0; i < expected.length; i++) {
    const want = expected[i]!;
    const got = committed[i]!;
    if (got.name !== want.blockId || got.size !== want.size) {
      throw new IntegrityMismatchError(
        `Block ${i + 1} of ${targetId} is ${got.name} (${got.size} bytes); tartape committed ${want.blockId} (${want.size} bytes). ${redo}`,
      );
    }
  }
  if (contentLength !== totalSize) {
    throw new IntegrityMismatchError(`${targetId} holds ${contentLength ?? "an unknown number of"} bytes after commit; the tape is ${totalSize} bytes. ${redo}`);
  }
}
