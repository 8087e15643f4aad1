/**
 * Reads the CLI's `--event-log` file (one JSON UploadEvent per line) while the
 * CLI is still appending to it, so a test can time a kill on real progress.
 */
import fs from "node:fs";

export interface LoggedEvent {
  readonly type: string;
  /** The part number, for part-start / part-retry / part-done. */
  readonly part?: number;
}

function parseLine(line: string, file: string): LoggedEvent {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    throw new Error(`${file} holds a line that is not JSON: ${line.slice(0, 200)}`);
  }
  const event = raw as { type?: unknown; part?: { number?: unknown } | number };
  if (typeof event.type !== "string") throw new Error(`${file} holds an event without a type: ${line.slice(0, 200)}`);
  const part = typeof event.part === "number" ? event.part : event.part?.number;
  return typeof part === "number" ? { type: event.type, part } : { type: event.type };
}

export class EventLogTail {
  private offset = 0;
  private partial = "";
  readonly events: LoggedEvent[] = [];

  constructor(readonly file: string) {}

  /** Reads whatever was appended since the last call; returns all events so far. */
  poll(): readonly LoggedEvent[] {
    let fd: number;
    try {
      fd = fs.openSync(this.file, "r");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return this.events;
      throw err;
    }
    try {
      const size = fs.fstatSync(fd).size;
      if (size > this.offset) {
        const buf = Buffer.alloc(size - this.offset);
        const n = fs.readSync(fd, buf, 0, buf.length, this.offset);
        this.offset += n;
        const lines = (this.partial + buf.subarray(0, n).toString("utf8")).split("\n");
        // A line is only whole once its newline is there; a killed writer may leave half a line.
        this.partial = lines.pop() ?? "";
        for (const line of lines) if (line.trim() !== "") this.events.push(parseLine(line, this.file));
      }
    } finally {
      fs.closeSync(fd);
    }
    return this.events;
  }

  count(type: string): number {
    return this.events.filter((e) => e.type === type).length;
  }

  parts(type: string): Set<number> {
    return new Set(this.events.filter((e) => e.type === type && e.part !== undefined).map((e) => e.part!));
  }
}
