/** What the tape holds for one scanned path. */
export type EntryKind = "file" | "dir" | "symlink";

export interface TapeEntry {
  /** Position in the tape, from 0. */
  readonly index: number;
  /** Path inside the archive: `basename(root)/relative/path`, `/` separators, no trailing slash. */
  readonly arcPath: string;
  /** Absolute path on disk at record time. */
  readonly realPath: string;
  readonly kind: EntryKind;
  /** Content size in bytes (0 for directories and symlinks). */
  readonly size: number;
  /** Modification time in nanoseconds since the epoch, as lstat reported it at record time. */
  readonly mtimeNs: bigint;
  /** Permission bits as scanned (st_mode & 0o7777). The header stores a normalised mode. */
  readonly mode: number;
  readonly linkTarget: string | null;
  /** Tape offset of the first header byte (a PAX header when one is needed). */
  readonly startOffset: number;
  /** Tape offset of the first content byte. */
  readonly dataOffset: number;
  /** Tape offset just after the padding that follows the content. */
  readonly endOffset: number;
  /** MD5 of the content (hex) once a full read computed it, else null. */
  readonly md5: string | null;
}

/** Events of `Tape.play()`, in tape order. */
export type TapeEvent =
  | { readonly type: "fileStart"; readonly entry: TapeEntry; readonly startOffset: number; readonly resumed: boolean }
  | { readonly type: "data"; readonly data: Buffer }
  | { readonly type: "fileEnd"; readonly entry: TapeEntry; readonly endOffset: number; readonly md5: string | null }
  | { readonly type: "tapeCompleted"; readonly totalSize: number };
