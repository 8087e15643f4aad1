/**
 * The catalog object `<key>.tartape-catalog` (docs/catalog-format.md): blocks of
 * entries sorted by path, a parts block, an index block, and a fixed-size
 * footer at the very end that points at the index. A reader fetches the tail,
 * then one block: a few ranged reads for any path of any tape.
 */
import type { EntryKind } from "../types.js";

/** 16 bytes that open the footer. */
export const CATALOG_MAGIC = Buffer.from("tartape-catalog\n", "ascii");
export const CATALOG_FORMAT = 1;
/** magic (16) | index offset (u64 BE) | index length (u64 BE) | SHA-256 of the index block (32). */
export const CATALOG_FOOTER_SIZE = 64;
/** Entry blocks are cut after this many bytes of JSON lines (before compression). */
export const BLOCK_TARGET_BYTES = 64 * 1024;
/** The digest every regular file's `crc32` is. */
export const CONTENT_DIGEST = "crc32";

/** One entry of the tape, as the catalog lists it. */
export interface CatalogEntry {
  /** Archive path, no trailing slash. */
  readonly path: string;
  /** Only file, dir and symlink in tartape's catalogs; a foreign tar read header by header may hold hard links and others. */
  readonly kind: EntryKind | "hardlink" | "other";
  /** The mode the header stores (0644/0755 files, 0755 directories, 0777 symlinks). */
  readonly mode: number;
  /** The header's mtime: whole seconds since the epoch. */
  readonly mtime: number;
  readonly size: number;
  /** Tape offset of the entry's first header (a PAX header when there is one). */
  readonly headerOffset: number;
  /** Tape offset of its first content byte. */
  readonly dataOffset: number;
  /** Tape offset just past its padding. */
  readonly endOffset: number;
  readonly linkTarget?: string;
  /** Regular files: CRC-32 of the content as sent, 8 hex digits; absent when it was not recorded. */
  readonly crc32?: string;
  /**
   * Owner and group ids of a header read from a tar (tar-scan.ts). Not in a
   * catalog: every header tartape writes says 0 and 0 (tar/header.ts, tar/common-header.ts).
   */
  readonly uid?: number;
  readonly gid?: number;
}

/** Where a block lies in the catalog object, and its SHA-256. */
export interface BlockRef {
  readonly offset: number;
  readonly length: number;
  readonly sha256: string;
}

export interface EntryBlockRef extends BlockRef {
  /** Path of the block's first entry: the key a reader bisects on. */
  readonly first: string;
  readonly entries: number;
}

export interface CatalogPart {
  readonly number: number;
  readonly start: number;
  readonly end: number;
  /** As the target recorded it, e.g. `md5:<base64>` or `crc32c:<base64>`. */
  readonly checksum: string;
}

/** The index block: what the footer points at. */
export interface CatalogIndex {
  readonly format: number;
  readonly fingerprint: string;
  readonly totalSize: number;
  readonly entryCount: number;
  /** The version of the tape object the catalog was written for (ETag, generation, …). */
  readonly objectVersion: string;
  readonly partSize: number;
  readonly partCount: number;
  readonly digest: typeof CONTENT_DIGEST;
  readonly parts: BlockRef;
  readonly blocks: readonly EntryBlockRef[];
}

export function encodeFooter(indexOffset: number, indexLength: number, indexSha256: Buffer): Buffer {
  const footer = Buffer.alloc(CATALOG_FOOTER_SIZE);
  CATALOG_MAGIC.copy(footer, 0);
  footer.writeBigUInt64BE(BigInt(indexOffset), 16);
  footer.writeBigUInt64BE(BigInt(indexLength), 24);
  indexSha256.copy(footer, 32);
  return footer;
}

export interface Footer {
  readonly indexOffset: number;
  readonly indexLength: number;
  readonly indexSha256: string;
}

/** The footer's fields, or a reason it is not a catalog footer. */
export function decodeFooter(footer: Buffer, catalogSize: number): Footer | string {
  if (footer.length !== CATALOG_FOOTER_SIZE || !footer.subarray(0, 16).equals(CATALOG_MAGIC)) return "it does not end with a tartape catalog footer";
  const indexOffset = Number(footer.readBigUInt64BE(16));
  const indexLength = Number(footer.readBigUInt64BE(24));
  if (indexOffset + indexLength > catalogSize - CATALOG_FOOTER_SIZE) return "its footer points outside the object";
  return { indexOffset, indexLength, indexSha256: footer.subarray(32).toString("hex") };
}

/** Byte-wise order of the UTF-8 paths: the tape's own order. */
export function comparePaths(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}
