/**
 * Builds the catalog of an uploaded tape into a local file, streaming the
 * entries from the index (memory stays flat for any number of entries): each
 * regular file's CRC-32 is combined from the per-part digests taken while the
 * parts were sent.
 */
import fs from "node:fs";
import zlib from "node:zlib";
import { createHash } from "../hash.js";
import type { TapeIndex } from "../index/tape-index.js";
import { crc32Combine, crc32Hex } from "../remote/crc32.js";
import { mtimeSeconds } from "../tape/mtime.js";
import { headerMode } from "../tar/mode.js";
import type { TapeEntry } from "../types.js";
import { allEntries, loadPartDigests, uploadedParts, uploadState } from "./index-access.js";
import { BLOCK_TARGET_BYTES, CATALOG_FORMAT, CONTENT_DIGEST, encodeFooter, type BlockRef, type CatalogEntry, type CatalogIndex, type CatalogPart, type EntryBlockRef } from "./format.js";
import { unpackDigests } from "./part-digests.js";

export interface CatalogFacts {
  readonly targetId: string;
  readonly fingerprint: string;
  readonly totalSize: number;
  readonly entryCount: number;
  /** The finished object's version, as the target's Source reports it. */
  readonly objectVersion: string;
}

export interface WrittenCatalog {
  readonly size: number;
  readonly blocks: number;
  /** Regular files whose digest is missing (parts sent before digests were kept). */
  readonly filesWithoutDigest: number;
}

/** The CRC-32 of each file, from the digests of the parts its content lies in. */
class FileDigests {
  private cachedPart = 0;
  private cached: Map<number, number> | null = null;

  constructor(
    private readonly index: TapeIndex,
    private readonly facts: CatalogFacts,
    private readonly partSize: number,
  ) {}

  of(entry: TapeEntry): string | undefined {
    if (entry.size === 0) return crc32Hex(0);
    const dataEnd = entry.dataOffset + entry.size;
    let crc = 0;
    for (let n = Math.floor(entry.dataOffset / this.partSize) + 1; (n - 1) * this.partSize < dataEnd; n++) {
      const part = this.part(n);
      const piece = part?.get(entry.index);
      if (piece === undefined) return undefined;
      const start = Math.max(entry.dataOffset, (n - 1) * this.partSize);
      const end = Math.min(dataEnd, n * this.partSize);
      crc = crc32Combine(crc, piece, end - start);
    }
    return crc32Hex(crc);
  }

  private part(n: number): Map<number, number> | null {
    if (n !== this.cachedPart) {
      const start = (n - 1) * this.partSize;
      const spec = { number: n, start, end: Math.min(start + this.partSize, this.facts.totalSize) };
      const packed = loadPartDigests(this.index, this.facts.targetId, this.facts.fingerprint, spec);
      this.cached = packed ? unpackDigests(packed) : null;
      this.cachedPart = n;
    }
    return this.cached;
  }
}

function catalogEntry(entry: TapeEntry, crc: string | undefined): CatalogEntry {
  return {
    path: entry.arcPath,
    kind: entry.kind,
    mode: headerMode(entry.kind, entry.mode),
    mtime: mtimeSeconds(entry.mtimeNs),
    size: entry.size,
    headerOffset: entry.startOffset,
    dataOffset: entry.dataOffset,
    endOffset: entry.endOffset,
    ...(entry.linkTarget !== null ? { linkTarget: entry.linkTarget } : {}),
    ...(crc !== undefined ? { crc32: crc } : {}),
  };
}

/** Writes the catalog of the upload to `facts.targetId` into `file`. */
export function writeCatalogFile(index: TapeIndex, facts: CatalogFacts, file: string): WrittenCatalog {
  const state = uploadState(index, facts.targetId);
  if (!state) throw new Error(`No upload to ${facts.targetId} is recorded in the index.`);
  const fd = fs.openSync(file, "w");
  let offset = 0;
  const write = (bytes: Buffer): BlockRef => {
    const ref = { offset, length: bytes.length, sha256: createHash("sha256").update(bytes).digest("hex") };
    for (let done = 0; done < bytes.length; ) done += fs.writeSync(fd, bytes, done, bytes.length - done);
    offset += bytes.length;
    return ref;
  };
  try {
    const digests = new FileDigests(index, facts, state.partSize);
    const blocks: EntryBlockRef[] = [];
    let lines: string[] = [];
    let bytes = 0;
    let first = "";
    let filesWithoutDigest = 0;
    const flush = () => {
      if (lines.length === 0) return;
      const ref = write(zlib.deflateRawSync(Buffer.from(lines.join(""), "utf8")));
      blocks.push({ ...ref, first, entries: lines.length });
      lines = [];
      bytes = 0;
    };
    for (const entry of allEntries(index, facts.totalSize)) {
      const crc = entry.kind === "file" ? digests.of(entry) : undefined;
      if (entry.kind === "file" && crc === undefined) filesWithoutDigest++;
      const line = `${JSON.stringify(catalogEntry(entry, crc))}\n`;
      if (lines.length === 0) first = entry.arcPath;
      lines.push(line);
      bytes += line.length;
      if (bytes >= BLOCK_TARGET_BYTES) flush();
    }
    flush();
    const parts: CatalogPart[] = uploadedParts(index, facts.targetId).map((p) => ({ number: p.number, start: p.start, end: p.end, checksum: p.checksum }));
    const partsRef = write(zlib.deflateRawSync(Buffer.from(JSON.stringify(parts), "utf8")));
    const catalogIndex: CatalogIndex = {
      format: CATALOG_FORMAT,
      fingerprint: facts.fingerprint,
      totalSize: facts.totalSize,
      entryCount: facts.entryCount,
      objectVersion: facts.objectVersion,
      partSize: state.partSize,
      partCount: state.partCount,
      digest: CONTENT_DIGEST,
      parts: partsRef,
      blocks,
    };
    const indexBytes = zlib.deflateRawSync(Buffer.from(JSON.stringify(catalogIndex), "utf8"));
    const indexRef = write(indexBytes);
    write(encodeFooter(indexRef.offset, indexRef.length, Buffer.from(indexRef.sha256, "hex")));
    fs.fsyncSync(fd);
    return { size: offset, blocks: blocks.length, filesWithoutDigest };
  } finally {
    fs.closeSync(fd);
  }
}
