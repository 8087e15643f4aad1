/**
 * `tartape download <url> <file.tar>`: the whole uploaded object to a local
 * file, its parts fetched in parallel and checked against the checksums
 * their target recorded; run it again after any interruption to resume.
 */
import { Command } from "commander";
import { parsePositiveInteger } from "../parse/integer.js";
import { addConnectionFlags, type ConnectionFlags } from "./connection-flags.js";

interface DownloadFlags extends ConnectionFlags {
  readonly concurrency?: string;
  /** False with --no-catalog. */
  readonly catalog?: boolean;
}

export function downloadCommand(): Command {
  const command = new Command("download")
    .description("download an uploaded tape (s3://, az://, gs://) whole into <file>: parts in parallel, each checked against its recorded checksum, resumable")
    .argument("<url>", "where the tape was uploaded")
    .argument("<file>", "the local file to write (must not exist; <file>.tartape-download holds it until every part is in)")
    .option("--concurrency <n>", "parts fetched at once (default 8)")
    .option("--no-catalog", "do not read the catalog (e.g. one refused as damaged): the object is fetched in 64 MiB pieces, unverified");
  addConnectionFlags(command);
  return command.action(async (url: string, file: string, flags: DownloadFlags) => {
    const concurrency = flags.concurrency !== undefined ? parsePositiveInteger(flags.concurrency, "--concurrency") : undefined;
    const { runDownload } = await import("./download-run.js");
    await runDownload(url, file, flags, concurrency);
  });
}
