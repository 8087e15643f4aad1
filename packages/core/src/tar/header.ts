/**
 * The 512-byte ustar header of TAPE_FORMAT.md, and the PAX extended header
 * that goes before it when a field does not fit ustar.
 */
import type { EntryKind } from "../types.js";
import { MAX_OCTAL_11, writeOctal, writeSize } from "./numbers.js";
import { encodePaxRecords, type PaxKey } from "./pax.js";
import { encodeCommonHeader } from "./common-header.js";
import { headerMode } from "./mode.js";

export const BLOCK_SIZE = 512;
/** Two zero blocks end the tape. */
export const FOOTER_SIZE = 1024;

const NAME_OFFSET = 0;
const NAME_SIZE = 100;
const MODE_OFFSET = 100;
const UID_OFFSET = 108;
const GID_OFFSET = 116;
const SIZE_OFFSET = 124;
const MTIME_OFFSET = 136;
const CHKSUM_OFFSET = 148;
const TYPEFLAG_OFFSET = 156;
const LINKNAME_OFFSET = 157;
const LINKNAME_SIZE = 100;
const MAGIC_OFFSET = 257;
const VERSION_OFFSET = 263;
const UNAME_OFFSET = 265;
const GNAME_OFFSET = 297;
const PREFIX_OFFSET = 345;
const PREFIX_SIZE = 155;
const USTAR_PATH_MAX = 255;

/** Name of every PAX extended header: fixed (no pid, no path) so tapes stay deterministic. */
export const PAX_HEADER_NAME = "././@PaxHeader";

const TYPEFLAG: Record<EntryKind, string> = { file: "0", dir: "5", symlink: "2" };

export interface HeaderFields {
  /** Archive path without a trailing slash. */
  readonly arcPath: string;
  readonly kind: EntryKind;
  readonly size: number;
  /** Whole seconds since the epoch (fraction already dropped); may be negative. */
  readonly mtimeSeconds: number;
  /** Permission bits as scanned; normalised here. */
  readonly mode: number;
  readonly linkTarget: string | null;
}

export { headerMode };

/**
 * Splits a path into ustar (prefix, name): whole into name when it fits in 100
 * bytes, else cut at the rightmost `/` leaving a prefix of at most 155 bytes
 * and a name of 1 to 100 bytes. Null when no cut works.
 */
export function splitUstarPath(path: Buffer): { prefix: Buffer; name: Buffer } | null {
  if (path.length <= NAME_SIZE) return { prefix: Buffer.alloc(0), name: path };
  if (path.length > USTAR_PATH_MAX) return null;
  for (let cut = path.length - 1; cut >= 0; cut--) {
    if (path[cut] !== 0x2f) continue;
    const nameLength = path.length - cut - 1;
    if (nameLength > NAME_SIZE) return null; // every cut further left leaves a longer name
    if (nameLength >= 1 && cut <= PREFIX_SIZE) return { prefix: path.subarray(0, cut), name: path.subarray(cut + 1) };
  }
  return null;
}

function hasLongComponent(path: string): boolean {
  return path.split("/").some((part) => Buffer.byteLength(part) > NAME_SIZE);
}

/** Cuts UTF-8 bytes to at most `max` bytes without splitting a character. */
function truncateUtf8(bytes: Buffer, max: number): Buffer {
  if (bytes.length <= max) return bytes;
  let end = max;
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end);
}

function writeChecksum(block: Buffer): void {
  block.fill(0x20, CHKSUM_OFFSET, CHKSUM_OFFSET + 8);
  let sum = 0;
  for (let i = 0; i < BLOCK_SIZE; i++) sum += block[i] as number;
  writeOctal(block, CHKSUM_OFFSET, 6, sum);
  block[CHKSUM_OFFSET + 7] = 0x20;
}

interface UstarFields {
  name: Buffer;
  prefix: Buffer;
  mode: number;
  size: number;
  mtime: number;
  typeflag: string;
  linkname: Buffer;
}

function writeUstarBlock(block: Buffer, offset: number, f: UstarFields): void {
  const b = block.subarray(offset, offset + BLOCK_SIZE);
  f.name.copy(b, NAME_OFFSET);
  writeOctal(b, MODE_OFFSET, 7, f.mode);
  writeOctal(b, UID_OFFSET, 7, 0);
  writeOctal(b, GID_OFFSET, 7, 0);
  writeSize(b, SIZE_OFFSET, f.size);
  writeOctal(b, MTIME_OFFSET, 11, f.mtime);
  b.write(f.typeflag, TYPEFLAG_OFFSET, 1, "latin1");
  f.linkname.copy(b, LINKNAME_OFFSET);
  b.write("ustar\0", MAGIC_OFFSET, 6, "latin1");
  b.write("00", VERSION_OFFSET, 2, "latin1");
  b.write("root", UNAME_OFFSET, "latin1");
  b.write("root", GNAME_OFFSET, "latin1");
  f.prefix.copy(b, PREFIX_OFFSET);
  writeChecksum(b);
}

function padded(length: number): number {
  return Math.ceil(length / BLOCK_SIZE) * BLOCK_SIZE;
}

/**
 * Encodes the header bytes of one entry: a single ustar block when every field
 * fits (byte-identical to tartape 2.3.3), else a PAX header (`x`) holding only
 * the records that do not fit, in the fixed order path, linkpath, mtime,
 * followed by the ustar block with truncated fallbacks.
 */
export function encodeHeader(fields: HeaderFields): Buffer {
  return encodeCommonHeader(fields) ?? encodeAnyHeader(fields);
}

/** The general encoder: any path, link target, size and mtime. */
export function encodeAnyHeader(fields: HeaderFields): Buffer {
  const pathText = fields.kind === "dir" ? `${fields.arcPath}/` : fields.arcPath;
  const path = Buffer.from(pathText, "utf8");
  const pax: Partial<Record<PaxKey, string>> = {};

  let split = hasLongComponent(fields.arcPath) ? null : splitUstarPath(path);
  if (!split) {
    pax.path = pathText;
    split = { prefix: Buffer.alloc(0), name: truncateUtf8(path, NAME_SIZE) };
  }

  let linkname: Buffer = Buffer.alloc(0);
  if (fields.linkTarget !== null) {
    const target = Buffer.from(fields.linkTarget, "utf8");
    if (target.length > LINKNAME_SIZE) pax.linkpath = fields.linkTarget;
    linkname = truncateUtf8(target, LINKNAME_SIZE);
  }

  let mtime = fields.mtimeSeconds;
  if (mtime < 0 || mtime > MAX_OCTAL_11) {
    pax.mtime = String(mtime);
    mtime = mtime < 0 ? 0 : MAX_OCTAL_11;
  }

  const ustar: UstarFields = {
    name: split.name,
    prefix: split.prefix,
    mode: headerMode(fields.kind, fields.mode),
    size: fields.kind === "file" ? fields.size : 0,
    mtime,
    typeflag: TYPEFLAG[fields.kind],
    linkname,
  };

  if (Object.keys(pax).length === 0) {
    const block = Buffer.alloc(BLOCK_SIZE);
    writeUstarBlock(block, 0, ustar);
    return block;
  }

  const records = encodePaxRecords(pax);
  const out = Buffer.alloc(BLOCK_SIZE + padded(records.length) + BLOCK_SIZE);
  writeUstarBlock(out, 0, {
    name: Buffer.from(PAX_HEADER_NAME, "latin1"),
    prefix: Buffer.alloc(0),
    mode: 0o644,
    size: records.length,
    mtime: 0,
    typeflag: "x",
    linkname: Buffer.alloc(0),
  });
  records.copy(out, BLOCK_SIZE);
  writeUstarBlock(out, out.length - BLOCK_SIZE, ustar);
  return out;
}

/** Bytes of content padding after `size` bytes of content. */
export function paddingAfter(size: number): number {
  return padded(size) - size;
}
