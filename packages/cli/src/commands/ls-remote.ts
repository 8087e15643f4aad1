/** `tartape ls <url>`: the entries of an uploaded tape, through its catalog, or its tar headers when it has none. */
import { Readable } from "node:stream";
import { listRemote, type RemoteEntry } from "@tartape/core";
import { pipeToStdout } from "../output/write-stdout.js";
import type { ConnectionFlags } from "./connection-flags.js";
import { listing, type ListedEntry } from "./ls.js";
import { noCatalogNote, remoteLocation, type CatalogFlag } from "./remote-location.js";

async function* asListed(entries: AsyncIterable<RemoteEntry>): AsyncGenerator<ListedEntry> {
  for await (const e of entries) {
    yield { arcPath: e.path, kind: e.kind, size: e.size, startOffset: e.headerOffset, endOffset: e.endOffset, linkTarget: e.linkTarget };
  }
}

export async function lsRemote(url: string, flags: ConnectionFlags & CatalogFlag & { prefix?: string }): Promise<void> {
  const location = await remoteLocation(url, flags);
  const { catalogFound, entries } = await listRemote(location, { prefix: flags.prefix ?? "" });
  if (!catalogFound) process.stderr.write(noCatalogNote(location));
  await pipeToStdout(Readable.from(listing(asListed(entries)), { objectMode: false }));
}
