/** `tartape abort <dir> <url>`: discard the unfinished upload to <url>, on the server and in the index. */
import { Command } from "commander";
import { abortUpload, uploadStatus } from "@tartape/core";
import { cliOptionWords } from "../cli-words.js";
import { unrecordedUploads } from "../output/upload-summary.js";
import { targetFromUrl } from "../targets/target-from-url.js";
import { addConnectionFlags, connectionOptions, type ConnectionFlags } from "./connection-flags.js";
import { addIndexOption, indexLocation, type IndexOption } from "./shared-options.js";

interface AbortFlags extends ConnectionFlags, IndexOption {}

export function abortCommand(): Command {
  const command = new Command("abort")
    .description("abort the unfinished upload of <dir> to <url>: the destination discards its parts and the index forgets it")
    .argument("<dir>", "a recorded directory")
    .argument("<url>", "the destination the upload was going to, as given to `tartape upload`");
  addConnectionFlags(command);
  addIndexOption(command);
  return command.action(async (dir: string, url: string, flags: AbortFlags) => {
    const location = indexLocation(flags);
    const target = await targetFromUrl(url, connectionOptions(flags));
    const result = await abortUpload(dir, target, location);
    // Uploads a killed run created on the server but never recorded: aborted as well.
    const unrecorded = result.unrecorded?.length
      ? ` Also aborted ${unrecordedUploads(result.unrecorded)}.`
      : "";
    if (result.aborted) {
      process.stdout.write(`Aborted upload ${result.uploadId} to ${target.id}; its parts are discarded.${unrecorded}\n`);
      return;
    }
    if (unrecorded) {
      process.stdout.write(`No recorded upload to ${target.id} was unfinished.${unrecorded}\n`);
      return;
    }
    if (result.otherOptions?.length) {
      const lines = result.otherOptions.map((o) => {
        const flags = Object.entries(o.options).map(([name, value]) => cliOptionWords(name, value)).join(" ");
        return `  upload ${o.uploadId} to ${o.targetId}, made with ${flags}: run this abort again with ${flags} to abort it`;
      });
      process.stdout.write(`No unfinished upload to ${target.id} is recorded with these options; nothing was aborted. The same object has:\n${lines.join("\n")}\n`);
      return;
    }
    // Nothing to do is not a failure (abort is idempotent), but a typo in <url> should be easy to spot.
    const unfinished = uploadStatus(dir, location).filter((u) => u.status === "in-progress");
    const others = unfinished.length > 0 ? ` Unfinished uploads: ${unfinished.map((u) => u.targetId).join(", ")}.` : "";
    process.stdout.write(`No unfinished upload to ${target.id} is recorded for this tape; nothing to abort.${others}\n`);
  });
}
