/**
 * Tars built byte by byte for the restore's safety tests: any typeflag, any
 * path (absolute, `..`, device files), PAX records, with nothing checked.
 */

export interface RawEntry {
  readonly path: string;
  /** Typeflag: "0" file, "1" hard link, "2" symlink, "3" char device, "5" directory, "6" FIFO. */
  readonly type: string;
  readonly content?: Buffer | string;
  readonly linkname?: string;
  readonly mode?: number;
  readonly mtime?: number;
  /** Owner and group ids (0 when absent). */
  readonly uid?: number;
  readonly gid?: number;
  /** PAX records written in an `x` header before the entry. */
  readonly pax?: Readonly<Record<string, string>>;
}

function octal(block: Buffer, offset: number, width: number, value: number): void {
  block.write(value.toString(8).padStart(width - 1, "0") + "\0", offset, width, "ascii");
}

function header(path: string, type: string, size: number, linkname = "", mode = 0o644, mtime = 1_700_000_000, uid = 0, gid = 0): Buffer {
  const block = Buffer.alloc(512);
  block.write(path.slice(0, 100), 0, 100, "utf8");
  octal(block, 100, 8, mode);
  octal(block, 108, 8, uid);
  octal(block, 116, 8, gid);
  octal(block, 124, 12, size);
  octal(block, 136, 12, Math.max(0, mtime));
  block.write(type, 156, 1, "ascii");
  block.write(linkname.slice(0, 100), 157, 100, "utf8");
  block.write("ustar\0", 257, 6, "ascii");
  block.write("00", 263, 2, "ascii");
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(sum.toString(8).padStart(6, "0") + "\0 ", 148, 8, "ascii");
  return block;
}

function padded(data: Buffer): Buffer {
  const rest = data.length % 512;
  return rest === 0 ? data : Buffer.concat([data, Buffer.alloc(512 - rest)]);
}

function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let length = Buffer.byteLength(body) + 1;
  while (String(length).length + Buffer.byteLength(body) !== length) length = String(length).length + Buffer.byteLength(body);
  return `${length}${body}`;
}

export function rawTar(entries: readonly RawEntry[]): Buffer {
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    if (entry.pax) {
      const records = Buffer.from(Object.entries(entry.pax).map(([k, v]) => paxRecord(k, v)).join(""), "utf8");
      blocks.push(header("././@PaxHeader", "x", records.length), padded(records));
    }
    const content = Buffer.from(entry.content ?? "");
    blocks.push(header(entry.path, entry.type, content.length, entry.linkname, entry.mode, entry.mtime, entry.uid, entry.gid), padded(content));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}
