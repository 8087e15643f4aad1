/** `tartape upload <dir> <url>`: resumable multipart upload of the tape. */
import { Command, Option } from "commander";
import { parsePositiveInteger } from "../parse/integer.js";
import { parseRate } from "../parse/rate.js";
import { parseSize } from "../parse/size.js";
import { PROGRESS_FORMATS, type ProgressFormat } from "../progress/progress-format.js";
import { shellQuote } from "../output/format.js";
import { targetFromUrl } from "../targets/target-from-url.js";
import { addConnectionFlags, connectionOptions, type ConnectionFlags } from "./connection-flags.js";
import { addObjectFlags, objectFlagArgs, objectOptions, type ObjectFlags } from "./object-flags.js";
import { addExcludeOptions, addIndexOption, requestedExcludes, type ExcludeFlags, type IndexOption } from "./shared-options.js";

export interface UploadFlags extends ConnectionFlags, ObjectFlags, IndexOption, ExcludeFlags {
  readonly partSize?: string;
  readonly concurrency?: string;
  readonly restart?: boolean;
  readonly eventLog?: string;
  readonly json?: boolean;
  readonly progress?: ProgressFormat;
  readonly dryRun?: boolean;
  readonly limitRate?: string;
}

/**
 * The command line that resumes this upload: the same one, minus --restart
 * (which would start over again), and with a connection string (it holds
 * the account key) left for the user to fill in rather than printed.
 */
export function resumeCommandFor(dir: string, url: string, flags: Omit<UploadFlags, "restart">): string {
  const args = ["tartape", "upload", dir, url];
  const valued: Array<[string, string | undefined]> = [
    ["--part-size", flags.partSize],
    ["--concurrency", flags.concurrency],
    ["--limit-rate", flags.limitRate],
    ["--endpoint", flags.endpoint],
    ["--region", flags.region],
    ["--profile", flags.profile],
    ["--checksum", flags.checksum],
    ["--event-log", flags.eventLog],
    ["--index", flags.index],
    ["--idle-timeout", flags.idleTimeout],
    ["--progress", flags.progress],
  ];
  for (const [flag, value] of valued) if (value !== undefined) args.push(flag, value);
  if (flags.pathStyle) args.push("--path-style");
  args.push(...objectFlagArgs(flags));
  if (flags.json) args.push("--json");
  for (const pattern of flags.exclude ?? []) args.push("--exclude", pattern);
  if (!flags.defaultExcludes) args.push("--no-default-excludes");
  const line = args.map(shellQuote).join(" ");
  return flags.connectionString !== undefined ? `${line} --connection-string "<your connection string>"` : line;
}

export function uploadCommand(): Command {
  const command = new Command("upload")
    .description("upload the tape of <dir> to <url>, resumably: run it again after any interruption and only missing parts are sent")
    .argument("<dir>", "the directory to upload (recorded first if it has no index yet)")
    .argument("<url>", "s3://bucket/key, az://container/blob, gs://bucket/key, or a local file path / file:// URL")
    .option("--part-size <size>", "bytes per part, e.g. 64MiB, 5MB, 1g (units are powers of 1024; default: chosen for the destination)")
    .option("--concurrency <n>", "parts in flight at once (default 4)")
    .option("--limit-rate <rate>", "bandwidth cap for the whole upload, shared by the parts in flight, e.g. 50MiB/s (units powers of 1024)")
    .option("--restart", "abort the upload recorded for <url>, record <dir> again and start over")
    .option("--event-log <file>", "append one JSON line per upload event to <file>")
    .option("--dry-run", "record (or open) the tape, plan the parts, ask the destination what it holds, and say what would be sent; send nothing")
    .option("--json", "print the result as one JSON document on stdout (docs/json-output.md); other text goes to stderr")
    .addOption(new Option("--progress <format>", "progress on stderr: auto (a bar on a terminal, else a line every few seconds), json (JSON lines), none").choices(PROGRESS_FORMATS));
  addConnectionFlags(command);
  addObjectFlags(command);
  addExcludeOptions(command);
  addIndexOption(command);
  return command.action(async (dir: string, url: string, flags: UploadFlags) => {
    // Parse every flag before touching the network, so a typo costs nothing.
    const partSize = flags.partSize !== undefined ? parseSize(flags.partSize, "--part-size") : undefined;
    const concurrency = flags.concurrency !== undefined ? parsePositiveInteger(flags.concurrency, "--concurrency") : undefined;
    const bytesPerSecond = flags.limitRate !== undefined ? parseRate(flags.limitRate, "--limit-rate") : undefined;
    const target = await targetFromUrl(url, { ...connectionOptions(flags, partSize), ...objectOptions(flags) });
    if (flags.dryRun) {
      const { runDryRun } = await import("../upload/dry-run-report.js");
      await runDryRun({ dir, target, restart: flags.restart, indexPath: flags.index, excludes: requestedExcludes(flags), json: flags.json });
      return;
    }
    // Loaded when an upload runs: the progress bar and the reporting are most of the CLI's start-up time,
    // which every other command would pay for nothing.
    const { runUpload } = await import("../upload/run-upload.js");
    await runUpload({
      dir,
      target,
      concurrency,
      bytesPerSecond,
      restart: flags.restart,
      indexPath: flags.index,
      excludes: requestedExcludes(flags),
      eventLog: flags.eventLog,
      resumeCommand: resumeCommandFor(dir, url, flags),
      json: flags.json,
      progress: flags.progress,
    });
  });
}
