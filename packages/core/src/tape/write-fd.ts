/**
 * The fastest way to put tape bytes on a file descriptor (`tartape cat`):
 * blocking reads into a few reused buffers, each chunk written with a blocking
 * write before the next is read, as GNU tar does. No fresh buffer per chunk
 * means no garbage to collect and flat memory, whatever the tape size.
 */
import fs from "node:fs";
import type { TapeIndex } from "../index/tape-index.js";
import { readTapeRange } from "./reader.js";

/** Written chunks are about this large: a few pipe buffers' worth. */
const WRITE_CHUNK = 64 * 1024;
const pause = new Int32Array(new SharedArrayBuffer(4));

function writeAll(fd: number, chunk: Buffer): void {
  for (let done = 0; done < chunk.length; ) {
    try {
      done += fs.writeSync(fd, chunk, done, chunk.length - done);
    } catch (err) {
      // A descriptor someone made non-blocking (a pipe Node set up): wait for room.
      if ((err as NodeJS.ErrnoException).code !== "EAGAIN") throw err;
      Atomics.wait(pause, 0, 0, 1);
    }
  }
}

export async function writeRangeToFd(index: TapeIndex, totalSize: number, fd: number, start: number, end: number): Promise<void> {
  const pieces = readTapeRange(index, totalSize, { start, end, chunkSize: WRITE_CHUNK, reuseBuffers: true, syncReads: true });
  for await (const chunk of pieces) writeAll(fd, chunk as Buffer);
}
