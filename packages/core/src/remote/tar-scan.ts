/**
 * Lists any tar object without a catalog (one made by GNU tar and copied up
 * with aws-cli, or a tape whose catalog is lost) by reading its headers with
 * ranged reads: ustar and GNU headers, PAX extended headers (path, linkpath,
 * size, mtime) and GNU long names. File contents are skipped, never fetched;
 * headers close together come in one read of a window.
 */
import { TartapeError } from "../errors.js";
import type { CatalogEntry } from "../catalog/format.js";
import { readRange, type ObjectVersion, type Source } from "./source.js";

const BLOCK = 512;
/** One read fetches at least this much, so runs of small entries cost one request per window, not per header. */
const WINDOW = 256 * 1024;
/** A PAX or GNU long-name record longer than this is an attack on the reader (CVE-2024-28863's kind), not a name. */
const MAX_EXTENDED_HEADER = 1024 * 1024;

class NotATarError extends TartapeError {
  constructor(objectId: string, offset: number, why: string) {
    super("CATALOG_INVALID", `${objectId} has no catalog and is not a tar archive that can be read header by header (${why} at byte ${offset}).`);
  }
}

/** Ranged reads through a window: headers that sit close together are fetched once. */
class WindowReader {
  private start = 0;
  private data: Buffer = Buffer.alloc(0);

  constructor(
    private readonly source: Source,
    private readonly version: ObjectVersion,
    private readonly signal?: AbortSignal,
  ) {}

  async read(offset: number, length: number): Promise<Buffer> {
    const end = Math.min(offset + length, this.version.size);
    if (offset >= this.start && end <= this.start + this.data.length) return this.data.subarray(offset - this.start, end - this.start);
    const windowEnd = Math.min(this.version.size, Math.max(end, offset + WINDOW));
    this.data = await readRange(this.source, offset, windowEnd, this.version, this.signal);
    this.start = offset;
    return this.data.subarray(0, end - offset);
  }
}

function text(block: Buffer, offset: number, length: number): string {
  const field = block.subarray(offset, offset + length);
  const nul = field.indexOf(0);
  return (nul === -1 ? field : field.subarray(0, nul)).toString("utf8");
}

function number(block: Buffer, offset: number, length: number): number {
  const field = block.subarray(offset, offset + length);
  if (field[0]! & 0x80) {
    // base-256: big-endian, the high bit of the first byte set.
    let value = field[0]! & 0x7f;
    for (let i = 1; i < field.length; i++) value = value * 256 + field[i]!;
    return value;
  }
  const digits = text(block, offset, length).trim();
  return digits === "" ? 0 : parseInt(digits, 8);
}

function checksumOk(block: Buffer): boolean {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : block[i]!;
  return sum === number(block, 148, 8);
}

/** PAX records: `<length> <key>=<value>\n`. */
function paxRecords(data: Buffer): Map<string, string> {
  const records = new Map<string, string>();
  let pos = 0;
  while (pos < data.length) {
    const space = data.indexOf(0x20, pos);
    if (space === -1) break;
    const length = parseInt(data.subarray(pos, space).toString("ascii"), 10);
    if (!Number.isSafeInteger(length) || length <= 0) break;
    const record = data.subarray(space + 1, pos + length - 1).toString("utf8");
    const eq = record.indexOf("=");
    if (eq > 0) records.set(record.slice(0, eq), record.slice(eq + 1));
    pos += length;
  }
  return records;
}

const KINDS: Readonly<Record<string, CatalogEntry["kind"]>> = { "0": "file", "\0": "file", "7": "file", "5": "dir", "2": "symlink", "1": "hardlink" };

/** Every entry of the tar object, in archive order. */
export async function* scanTarHeaders(source: Source, version: ObjectVersion, signal?: AbortSignal): AsyncGenerator<CatalogEntry> {
  const reader = new WindowReader(source, version, signal);
  let offset = 0;
  let headerOffset = 0;
  let pax = new Map<string, string>();
  let longName: string | null = null;
  let longLink: string | null = null;
  while (offset + BLOCK <= version.size) {
    const block = await reader.read(offset, BLOCK);
    if (block.every((b) => b === 0)) return;
    if (!checksumOk(block)) throw new NotATarError(source.id, offset, "a header checksum does not match");
    const type = String.fromCharCode(block[156]!);
    const size = number(block, 124, 12);
    const dataOffset = offset + BLOCK;
    const next = dataOffset + Math.ceil(size / BLOCK) * BLOCK;
    if (next > version.size) throw new NotATarError(source.id, offset, "an entry runs past the end of the object");
    if (type === "x" || type === "g" || type === "L" || type === "K") {
      if (size > MAX_EXTENDED_HEADER) throw new NotATarError(source.id, offset, `an extended header of ${size} bytes (at most ${MAX_EXTENDED_HEADER})`);
      if (type !== "g") {
        const data = await reader.read(dataOffset, size);
        if (type === "x") pax = paxRecords(data);
        else if (type === "L") longName = text(data, 0, data.length);
        else longLink = text(data, 0, data.length);
      }
      offset = next;
      continue;
    }
    const ustarPrefix = block.subarray(257, 262).toString("ascii") === "ustar" ? text(block, 345, 155) : "";
    const rawPath = pax.get("path") ?? longName ?? (ustarPrefix ? `${ustarPrefix}/${text(block, 0, 100)}` : text(block, 0, 100));
    const kind = KINDS[type] ?? "other";
    const linkTarget = pax.get("linkpath") ?? longLink ?? text(block, 157, 100);
    const entrySize = pax.has("size") ? Number(pax.get("size")) : size;
    const mtime = pax.has("mtime") ? Math.trunc(Number(pax.get("mtime"))) : number(block, 136, 12);
    const contentEnd = dataOffset + Math.ceil(entrySize / BLOCK) * BLOCK;
    const uid = pax.has("uid") ? Number(pax.get("uid")) : number(block, 108, 8);
    const gid = pax.has("gid") ? Number(pax.get("gid")) : number(block, 116, 8);
    yield {
      path: rawPath.replace(/\/+$/, ""),
      kind,
      mode: number(block, 100, 8) & 0o7777,
      mtime,
      size: kind === "file" ? entrySize : 0,
      headerOffset,
      dataOffset,
      endOffset: contentEnd,
      ...(kind === "symlink" || kind === "hardlink" ? { linkTarget } : {}),
      ...(Number.isSafeInteger(uid) && uid >= 0 ? { uid } : {}),
      ...(Number.isSafeInteger(gid) && gid >= 0 ? { gid } : {}),
    };
    offset = contentEnd;
    headerOffset = offset;
    pax = new Map();
    longName = null;
    longLink = null;
  }
}
