/**
 * `tartape get <url> <path>`: one entry of an uploaded tape, fetched by byte
 * range. A file goes to stdout, or with -o to a file that gets its mode and
 * mtime and appears only once its bytes were checked; a symbolic link gives
 * its target.
 */
import { Command } from "commander";
import { addConnectionFlags, type ConnectionFlags } from "./connection-flags.js";

interface GetFlags extends ConnectionFlags {
  readonly output?: string;
  readonly catalog?: boolean;
}

export function getCommand(): Command {
  const command = new Command("get")
    .description("fetch one file of an uploaded tape (s3://, az://, gs://, a local .tar) by byte range, checked against its catalog; a symbolic link prints its target")
    .argument("<url>", "where the tape was uploaded")
    .argument("<path>", "the entry's path on the tape, as `tartape ls <url>` shows it")
    .option("-o, --output <file>", "write the file here, with its mode and mtime (default, or -: stdout)")
    .option("--no-catalog", "read the tape's tar headers, not its catalog (e.g. a catalog refused as damaged); contents are then not verified");
  addConnectionFlags(command);
  return command.action(async (url: string, entryPath: string, flags: GetFlags) => {
    const { runGet } = await import("./get-run.js");
    await runGet(url, entryPath, flags);
  });
}
