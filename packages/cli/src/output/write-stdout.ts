/**
 * Streams into stdout with backpressure. A reader that stops early
 * (`tartape cat dir | head -c 100`) closes the pipe; that EPIPE ends the
 * command quietly and successfully, as it does for cat(1).
 */
import type { Readable } from "node:stream";
import type { Tape } from "@tartape/core/tape";
import { pipeline } from "node:stream/promises";

function isBrokenPipe(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | null)?.code === "EPIPE";
}

export async function pipeToStdout(source: Readable): Promise<void> {
  try {
    // `end: false`: stdout belongs to the process, not to this stream.
    await pipeline(source, process.stdout, { end: false });
  } catch (err) {
    if (!isBrokenPipe(err)) throw err;
    source.destroy();
  }
}

/** Blocking writes straight to fd 1 (see Tape.writeToFd); EPIPE ends quietly, as above. */
export async function writeToStdoutFd(tape: Tape, range: { start: number; end: number }): Promise<void> {
  try {
    await tape.writeToFd(1, range);
  } catch (err) {
    if (!isBrokenPipe(err)) throw err;
  }
}
