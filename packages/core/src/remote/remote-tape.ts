/**
 * A tape where it was uploaded, read back: list its entries and get one file,
 * through its catalog when there is one (a few ranged reads, and every file's
 * bytes checked against the CRC-32 taken when they were sent), else by
 * reading the tar headers one after another.
 */
import { Transform, type Readable } from "node:stream";
import { CatalogReader } from "../catalog/read-catalog.js";
import type { CatalogEntry } from "../catalog/format.js";
import { crc32, crc32Hex } from "./crc32.js";
import { NotAFileError, RemoteEntryNotFoundError, RemoteFileCorruptError, RemoteObjectNotFoundError } from "./errors.js";
import type { ObjectVersion, Source } from "./source.js";
import { scanTarHeaders } from "./tar-scan.js";

export type RemoteEntry = CatalogEntry;

export interface RemoteTapeLocation {
  /** The tape object. */
  readonly tape: Source;
  /** Its catalog (`<key>.tartape-catalog`); null to read the tar headers instead. */
  readonly catalog: Source | null;
}

export interface RemoteReadOptions {
  readonly signal?: AbortSignal;
}

export class RemoteTape {
  private constructor(
    readonly tape: Source,
    readonly version: ObjectVersion,
    /** Null when no catalog was found: entries come from the tar headers. */
    readonly catalog: CatalogReader | null,
    /** The catalog looked for (and not found), for messages. */
    readonly catalogId: string | null,
  ) {}

  static async open(location: RemoteTapeLocation, options: RemoteReadOptions = {}): Promise<RemoteTape> {
    const version = await location.tape.stat(options.signal);
    if (version === null) throw new RemoteObjectNotFoundError(location.tape.id);
    const catalog = location.catalog ? await CatalogReader.open(location.catalog, { id: location.tape.id, version }, options.signal) : null;
    return new RemoteTape(location.tape, version, catalog, location.catalog?.id ?? null);
  }

  get hasCatalog(): boolean {
    return this.catalog !== null;
  }

  /** Entries whose path starts with `prefix`: in path order from a catalog, in archive order from headers. */
  async *entries(prefix = "", options: RemoteReadOptions = {}): AsyncGenerator<RemoteEntry> {
    if (this.catalog) {
      yield* this.catalog.entries(prefix, options.signal);
      return;
    }
    for await (const entry of scanTarHeaders(this.tape, this.version, options.signal)) if (entry.path.startsWith(prefix)) yield entry;
  }

  /** The entry at `path` (a trailing slash ignored), or RemoteEntryNotFoundError. */
  async find(path: string, options: RemoteReadOptions = {}): Promise<RemoteEntry> {
    const wanted = path.replace(/\/+$/, "");
    if (this.catalog) {
      const entry = await this.catalog.find(wanted, options.signal);
      if (entry) return entry;
    } else {
      // Without a catalog the archive's order is unknown: read headers until the path turns up.
      for await (const entry of scanTarHeaders(this.tape, this.version, options.signal)) if (entry.path === wanted) return entry;
    }
    throw new RemoteEntryNotFoundError(wanted, this.tape.id);
  }

  /**
   * The content of a regular file, as a stream that fails with
   * RemoteFileCorruptError (naming the file) at its end when the bytes do not
   * have the CRC-32 the catalog recorded. Without a recorded digest the bytes
   * are passed on unchecked (`verified` says which).
   */
  async openFile(entry: RemoteEntry, options: RemoteReadOptions = {}): Promise<{ stream: Readable; verified: boolean }> {
    if (entry.kind !== "file") throw new NotAFileError(entry.path, entry.kind, this.tape.id);
    const source = await this.tape.read(entry.dataOffset, entry.dataOffset + entry.size, this.version, options.signal);
    const expected = entry.crc32;
    if (expected === undefined) return { stream: source, verified: false };
    let crc = 0;
    let length = 0;
    const tapeId = this.tape.id;
    const check = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        crc = crc32(chunk, crc);
        length += chunk.length;
        callback(null, chunk);
      },
      flush(callback) {
        const actual = crc32Hex(crc);
        if (length !== entry.size || actual !== expected) callback(new RemoteFileCorruptError(entry.path, tapeId, expected, length === entry.size ? actual : `${actual} of ${length} bytes`));
        else callback();
      },
    });
    source.on("error", (err) => check.destroy(err));
    return { stream: source.pipe(check), verified: true };
  }
}

/** Opens the remote tape and lists its entries under `prefix`. */
export async function listRemote(location: RemoteTapeLocation, options: RemoteReadOptions & { prefix?: string } = {}): Promise<{ catalogFound: boolean; entries: AsyncIterable<RemoteEntry> }> {
  const tape = await RemoteTape.open(location, options);
  return { catalogFound: tape.hasCatalog, entries: tape.entries(options.prefix ?? "", options) };
}

export interface RemoteFile {
  readonly entry: RemoteEntry;
  readonly catalogFound: boolean;
  /** A regular file's content (checked against its digest when the catalog has one); null for a symbolic link. */
  readonly stream: Readable | null;
  readonly verified: boolean;
}

/** One entry of the remote tape: a regular file's content, or a symbolic link's target (`entry.linkTarget`). */
export async function getRemoteFile(location: RemoteTapeLocation, path: string, options: RemoteReadOptions = {}): Promise<RemoteFile> {
  const tape = await RemoteTape.open(location, options);
  const entry = await tape.find(path, options);
  if (entry.kind === "symlink") return { entry, catalogFound: tape.hasCatalog, stream: null, verified: false };
  const { stream, verified } = await tape.openFile(entry, options);
  return { entry, catalogFound: tape.hasCatalog, stream, verified };
}
