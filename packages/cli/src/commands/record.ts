/** `tartape record <dir>`: snapshot a directory into its index. */
import path from "node:path";
import { Command } from "commander";
import { record } from "@tartape/core/tape";
import { describeRecording } from "../output/record-summary.js";
import { recordingNotice } from "../output/recording-notice.js";
import { describeUploadsAfterRecording, uploadsInProgress } from "../output/uploads-after-recording.js";
import { addExcludeOptions, addIndexOption, excludeList, indexLocation, type ExcludeFlags, type IndexOption } from "./shared-options.js";

interface RecordFlags extends IndexOption, ExcludeFlags {
  readonly force?: boolean;
}

export function recordCommand(): Command {
  const command = new Command("record")
    .description("scan <dir> and record its tape: fingerprint, size, and every entry's place on it")
    .argument("<dir>", "the directory to record")
    .option("--force", "record again over an existing index (upload state in it is kept)");
  addExcludeOptions(command);
  addIndexOption(command);
  return command.action(async (dir: string, flags: RecordFlags) => {
    const inProgress = flags.force ? uploadsInProgress(dir, flags.index) : [];
    recordingNotice(path.resolve(dir), process.stderr);
    const result = await record(dir, {
      excludes: excludeList(flags),
      overwrite: flags.force ?? false,
      ...indexLocation(flags),
    });
    process.stdout.write(describeRecording(path.resolve(dir), result));
    process.stderr.write(describeUploadsAfterRecording(dir, inProgress, result.fingerprint));
  });
}
