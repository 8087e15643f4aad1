/**
 * `tartape restore <url> <dir>`: an uploaded tape (or its entries chosen with
 * --only) back into a folder, by parallel ranged reads, every file checked
 * against its catalog digest; run it again after any interruption to resume.
 */
import { Command } from "commander";
import { parsePositiveInteger } from "../parse/integer.js";
import { parseSize } from "../parse/size.js";
import { shellQuote } from "../output/format.js";
import { addConnectionFlags, type ConnectionFlags } from "./connection-flags.js";

export interface RestoreFlags extends ConnectionFlags {
  readonly only?: string[];
  readonly concurrency?: string;
  readonly rangeSize?: string;
  readonly overwrite?: boolean;
  readonly sameOwner?: boolean;
  readonly keepSpecialBits?: boolean;
  /** False with --no-catalog. */
  readonly catalog?: boolean;
}

/** The same command line, with a connection string (it holds the account key) left for the user to fill in. */
export function restoreResumeCommand(url: string, dir: string, flags: RestoreFlags): string {
  const args = ["tartape", "restore", url, dir];
  for (const only of flags.only ?? []) args.push("--only", only);
  const valued: Array<[string, string | undefined]> = [
    ["--concurrency", flags.concurrency],
    ["--range-size", flags.rangeSize],
    ["--endpoint", flags.endpoint],
    ["--region", flags.region],
  ];
  for (const [flag, value] of valued) if (value !== undefined) args.push(flag, value);
  if (flags.pathStyle) args.push("--path-style");
  if (flags.overwrite) args.push("--overwrite");
  if (flags.sameOwner) args.push("--same-owner");
  if (flags.keepSpecialBits) args.push("--keep-special-bits");
  if (flags.catalog === false) args.push("--no-catalog");
  const line = args.map(shellQuote).join(" ");
  return flags.connectionString !== undefined ? `${line} --connection-string "<your connection string>"` : line;
}

export function restoreCommand(): Command {
  const command = new Command("restore")
    .description("restore an uploaded tape (s3://, az://, gs://, a local .tar) into <dir>: parallel ranged reads, every file checked, resumable")
    .argument("<url>", "where the tape was uploaded")
    .argument("<dir>", "the folder to restore into (created if missing; must be empty unless --overwrite)")
    .option("--only <path|glob>", "restore only this entry and what lies beneath it, or the entries a glob matches (repeatable)", (value: string, previous: string[] = []) => [...previous, value])
    .option("--concurrency <n>", "ranged reads in flight at once (default 8)")
    .option("--range-size <size>", "bytes per ranged read (default 4MiB); concurrency x range size bounds the memory held and what a kill costs")
    .option("--overwrite", "restore into a folder that is not empty, replacing the files and links the tape holds")
    .option("--same-owner", "give entries the owner and group ids the tape records, as tar --same-owner --numeric-owner (root only; otherwise everything is yours)")
    .option("--keep-special-bits", "restore setuid, setgid and sticky bits (cleared otherwise, so a tape cannot plant a setuid program)")
    .option("--no-catalog", "read the tape's tar headers, not its catalog (e.g. a catalog refused as damaged); contents are then not verified");
  addConnectionFlags(command);
  return command.action(async (url: string, dir: string, flags: RestoreFlags) => {
    const concurrency = flags.concurrency !== undefined ? parsePositiveInteger(flags.concurrency, "--concurrency") : undefined;
    const rangeSize = flags.rangeSize !== undefined ? parseSize(flags.rangeSize, "--range-size") : undefined;
    const { runRestore } = await import("./restore-run.js");
    await runRestore(url, dir, flags, { concurrency, rangeSize }, restoreResumeCommand(url, dir, flags));
  });
}
