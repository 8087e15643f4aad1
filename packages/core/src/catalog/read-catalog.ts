/**
 * Reads a catalog object by byte ranges: its tail (footer, usually with the
 * index block), then only the blocks a question needs. Every block is checked
 * against the SHA-256 the index holds, and the index against the footer's, so
 * a damaged catalog is refused, never believed.
 */
import zlib from "node:zlib";
import { createHash } from "../hash.js";
import { CatalogInvalidError } from "../remote/errors.js";
import { readRange, type ObjectVersion, type Source } from "../remote/source.js";
import {
  CATALOG_FOOTER_SIZE,
  CATALOG_FORMAT,
  comparePaths,
  decodeFooter,
  type BlockRef,
  type CatalogEntry,
  type CatalogIndex,
  type CatalogPart,
  type EntryBlockRef,
} from "./format.js";

/** The first read takes this much of the catalog's end: the footer and, for most tapes, the whole index. */
const TAIL_BYTES = 256 * 1024;

export class CatalogReader {
  private constructor(
    private readonly source: Source,
    private readonly version: ObjectVersion,
    readonly index: CatalogIndex,
  ) {}

  /**
   * Opens the catalog and checks it belongs to the tape object `tape`: null
   * when there is no catalog object; CatalogInvalidError when it is damaged or
   * describes another tape.
   */
  static async open(source: Source, tape: { readonly id: string; readonly version: ObjectVersion }, signal?: AbortSignal): Promise<CatalogReader | null> {
    const version = await source.stat(signal);
    if (version === null) return null;
    const invalid = (why: string) => new CatalogInvalidError(source.id, why);
    if (version.size < CATALOG_FOOTER_SIZE) throw invalid(`it is ${version.size} bytes long, shorter than a catalog footer.`);
    const tailStart = Math.max(0, version.size - TAIL_BYTES);
    const tail = await readRange(source, tailStart, version.size, version, signal);
    const footer = decodeFooter(tail.subarray(tail.length - CATALOG_FOOTER_SIZE), version.size);
    if (typeof footer === "string") throw invalid(`${footer}.`);
    const indexBytes =
      footer.indexOffset >= tailStart
        ? tail.subarray(footer.indexOffset - tailStart, footer.indexOffset - tailStart + footer.indexLength)
        : await readRange(source, footer.indexOffset, footer.indexOffset + footer.indexLength, version, signal);
    if (sha256(indexBytes) !== footer.indexSha256) throw invalid("its index block does not match the checksum in its footer (the object is damaged). Upload the tape again to rewrite it.");
    let index: CatalogIndex;
    try {
      index = JSON.parse(zlib.inflateRawSync(indexBytes).toString("utf8")) as CatalogIndex;
    } catch {
      throw invalid("its index block cannot be read.");
    }
    if (index.format !== CATALOG_FORMAT) throw invalid(`it is in catalog format ${String(index.format)}; this tartape reads format ${CATALOG_FORMAT}. Use a newer tartape.`);
    const replaced = "Its tape object was replaced by another since the catalog was written; upload the tape again to write a matching catalog.";
    if (index.totalSize !== tape.version.size) {
      throw invalid(`it describes a tape of ${index.totalSize} bytes, and ${tape.id} is ${tape.version.size} bytes. ${replaced}`);
    }
    if (tape.version.fingerprint !== undefined && tape.version.fingerprint !== index.fingerprint) {
      throw invalid(`it describes the tape with fingerprint ${index.fingerprint.slice(0, 12)}, and ${tape.id} holds ${tape.version.fingerprint.slice(0, 12)}. ${replaced}`);
    }
    if (tape.version.fingerprint === undefined && tape.version.version !== index.objectVersion) {
      throw invalid(`it was written for another version of ${tape.id} (${index.objectVersion}, now ${tape.version.version}). ${replaced}`);
    }
    return new CatalogReader(source, version, index);
  }

  get id(): string {
    return this.source.id;
  }

  /** The entry at `path`, or null: one block read. */
  async find(path: string, signal?: AbortSignal): Promise<CatalogEntry | null> {
    const block = this.blockFor(path);
    if (block === undefined) return null;
    for (const entry of await this.readBlock(block, signal)) if (entry.path === path) return entry;
    return null;
  }

  /** Entries whose path starts with `prefix` (all of them for ""), in path order, a block at a time. */
  async *entries(prefix = "", signal?: AbortSignal): AsyncGenerator<CatalogEntry> {
    const blocks = this.index.blocks;
    const first = prefix === "" ? 0 : Math.max(0, blocks.indexOf(this.blockFor(prefix) ?? blocks[0]!));
    for (let i = first; i < blocks.length; i++) {
      for (const entry of await this.readBlock(blocks[i]!, signal)) {
        if (entry.path.startsWith(prefix)) yield entry;
        else if (comparePaths(entry.path, prefix) > 0) return;
      }
    }
  }

  async parts(signal?: AbortSignal): Promise<CatalogPart[]> {
    return JSON.parse((await this.readVerified(this.index.parts, "parts block", signal)).toString("utf8")) as CatalogPart[];
  }

  /** The last block whose first path is at or before `path`. */
  private blockFor(path: string): EntryBlockRef | undefined {
    const blocks = this.index.blocks;
    let lo = 0;
    let hi = blocks.length - 1;
    let found: EntryBlockRef | undefined;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (comparePaths(blocks[mid]!.first, path) <= 0) {
        found = blocks[mid];
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }

  private async readBlock(block: EntryBlockRef, signal?: AbortSignal): Promise<CatalogEntry[]> {
    const text = (await this.readVerified(block, `block at ${block.offset}`, signal)).toString("utf8");
    return text.split("\n").filter((line) => line !== "").map((line) => JSON.parse(line) as CatalogEntry);
  }

  private async readVerified(ref: BlockRef, what: string, signal?: AbortSignal): Promise<Buffer> {
    const bytes = await readRange(this.source, ref.offset, ref.offset + ref.length, this.version, signal);
    if (sha256(bytes) !== ref.sha256) throw new CatalogInvalidError(this.source.id, `its ${what} does not match its checksum (the object is damaged). Upload the tape again to rewrite it.`);
    try {
      return zlib.inflateRawSync(bytes);
    } catch {
      throw new CatalogInvalidError(this.source.id, `its ${what} cannot be read.`);
    }
  }
}

function sha256(bytes: Buffer): string {
  return createHash("sha256").update(bytes).digest("hex");
}
