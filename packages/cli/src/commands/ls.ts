/** `tartape ls <dir>`: every entry of the tape with its place on it, streamed from the index. */
import { Readable } from "node:stream";
import { Command } from "commander";
import { openTape } from "@tartape/core/tape";
import { pipeToStdout } from "../output/write-stdout.js";
import { addConnectionFlags, type ConnectionFlags } from "./connection-flags.js";
import { namesRemoteTape, type CatalogFlag } from "./remote-location.js";
import { addIndexOption, indexLocation, type IndexOption } from "./shared-options.js";

const WIDTH = { kind: 7, number: 14 };
/** Lines are written in batches of about this many characters: few writes, flat memory. */
const BATCH_CHARS = 64 * 1024;

export const LS_HEADER = `${"KIND".padEnd(WIDTH.kind)} ${"SIZE".padStart(WIDTH.number)} ${"START".padStart(WIDTH.number)} ${"END".padStart(WIDTH.number)}  PATH`;

/** The fields a listing line shows: a recorded entry's, or a remote one's (same columns). */
export interface ListedEntry {
  readonly arcPath: string;
  readonly kind: string;
  readonly size: number;
  readonly startOffset: number;
  readonly endOffset: number;
  readonly linkTarget?: string | null | undefined;
}

/**
 * A name as one line of the listing, like `ls -b`: control characters as C
 * escapes (`\n`, `\t`, `\r`, else `\ooo` octal) and the backslash doubled, so a
 * newline in a name cannot pass for another entry and every name reads back.
 */
export function escapeName(name: string): string {
  return name.replace(/[\\\x00-\x1f\x7f]/g, (c) => {
    if (c === "\\") return "\\\\";
    if (c === "\n") return "\\n";
    if (c === "\t") return "\\t";
    if (c === "\r") return "\\r";
    return `\\${c.charCodeAt(0).toString(8).padStart(3, "0")}`;
  });
}

export function formatEntry(entry: ListedEntry): string {
  const path = escapeName(entry.arcPath);
  const name = entry.kind === "symlink" || entry.kind === "hardlink" ? `${path} -> ${escapeName(entry.linkTarget ?? "")}` : entry.kind === "dir" ? `${path}/` : path;
  return `${entry.kind.padEnd(WIDTH.kind)} ${String(entry.size).padStart(WIDTH.number)} ${String(entry.startOffset).padStart(WIDTH.number)} ${String(entry.endOffset).padStart(WIDTH.number)}  ${name}`;
}

export async function* listing(entries: Iterable<ListedEntry> | AsyncIterable<ListedEntry>): AsyncGenerator<string> {
  let batch = `${LS_HEADER}\n`;
  for await (const entry of entries) {
    batch += `${formatEntry(entry)}\n`;
    if (batch.length >= BATCH_CHARS) {
      yield batch;
      batch = "";
    }
  }
  if (batch.length > 0) yield batch;
}

interface LsFlags extends IndexOption, ConnectionFlags, CatalogFlag {
  readonly prefix?: string;
}

export function lsCommand(): Command {
  const command = new Command("ls")
    .description(
      "list the entries of a recorded <dir>'s tape, or of an uploaded tape (s3://, az://, gs://, a local .tar): kind, content size, start and end offset on the tape, path (control characters and backslashes in names escaped as in `ls -b`)",
    )
    .argument("<dir|url>", "a recorded directory, or where a tape was uploaded")
    .option("--prefix <path>", "only entries whose path starts with this")
    .option("--no-catalog", "uploaded tape: read its tar headers, not its catalog (e.g. a catalog refused as damaged)");
  addIndexOption(command);
  addConnectionFlags(command);
  return command.action(async (dir: string, flags: LsFlags) => {
    if (namesRemoteTape(dir)) {
      const { lsRemote } = await import("./ls-remote.js");
      return lsRemote(dir, flags);
    }
    const tape = openTape(dir, indexLocation(flags));
    try {
      // Pulled page by page from the index as stdout drains: a million entries never sit in memory.
      const prefix = flags.prefix ?? "";
      const entries = prefix === "" ? tape.entries() : filter(tape.entries(), (e) => e.arcPath.startsWith(prefix));
      await pipeToStdout(Readable.from(listing(entries), { objectMode: false }));
    } finally {
      tape.close();
    }
  });
}

function* filter<T>(items: Iterable<T>, keep: (item: T) => boolean): Generator<T> {
  for (const item of items) if (keep(item)) yield item;
}
