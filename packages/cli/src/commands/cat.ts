/** `tartape cat <dir>`: tape bytes to stdout, the whole tape or a slice of it. */
import { isatty } from "node:tty";
import { Command } from "commander";
import { InvalidArgumentError, OffsetOutOfRangeError, openTape } from "@tartape/core/tape";
import { pipeToStdout, writeToStdoutFd } from "../output/write-stdout.js";
import { parseOffset } from "../parse/integer.js";
import { addIndexOption, indexLocation, type IndexOption } from "./shared-options.js";

interface CatFlags extends IndexOption {
  readonly from?: string;
  readonly to?: string;
}

/** The slice [from, to) the flags ask for, checked against the tape so the message names the flag. */
export function sliceOf(flags: { from?: string; to?: string }, totalSize: number): { start: number; end: number } {
  const start = flags.from === undefined ? 0 : parseOffset(flags.from, "--from");
  const end = flags.to === undefined ? totalSize : parseOffset(flags.to, "--to");
  if (start > totalSize) throw new OffsetOutOfRangeError("--from", start, totalSize);
  if (end > totalSize) throw new OffsetOutOfRangeError("--to", end, totalSize);
  if (end < start) throw new InvalidArgumentError(`--to ${end} is before --from ${start}: the slice would end before it starts.`);
  return { start, end };
}

export function catCommand(): Command {
  const command = new Command("cat")
    .description("write the tape (a TAR stream) of a recorded <dir> to stdout, or bytes [--from, --to) of it")
    .argument("<dir>", "a recorded directory")
    .option("--from <offset>", "first tape byte to write (default 0)")
    .option("--to <offset>", "stop before this tape byte (default: the end of the tape)");
  addIndexOption(command);
  return command.action(async (dir: string, flags: CatFlags) => {
    const tape = openTape(dir, indexLocation(flags));
    try {
      // Offsets are checked before anything is written, so a bad one leaves stdout empty.
      const slice = sliceOf(flags, tape.totalSize);
      // A pipe or file gets blocking writes from reused buffers (about 2x the stream's throughput);
      // a terminal gets the stream. isatty(1), not process.stdout.isTTY: touching process.stdout
      // makes Node switch a pipe to non-blocking mode, and every full pipe would then cost a wait.
      if (isatty(1)) await pipeToStdout(tape.createReadStream(slice));
      else await writeToStdoutFd(tape, slice);
    } finally {
      tape.close();
    }
  });
}
