/**
 * A download's journal, `<file>.tartape-download.journal`: a first line
 * naming the tape (object and version), then one JSON line per part once its
 * bytes are written and checked. Parts finish in any order (several are in
 * flight); there are at most 10,000 of them. A torn last line is ignored.
 */
import fs from "node:fs";
import { parseLine, type JournalTape } from "../restore/journal.js";

export class PartsJournal {
  private constructor(
    private readonly fd: number,
    /** Numbers of the parts written and checked. */
    readonly done: Set<number>,
  ) {}

  /** The journal at `file` for `tape`, or "other-tape" when it belongs to another tape (or version). */
  static open(file: string, tape: JournalTape): PartsJournal | "other-tape" {
    const done = new Set<number>();
    let text = "";
    try {
      text = fs.readFileSync(file, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    }
    const lines = text.split("\n");
    if (text.length > 0) {
      const head = parseLine(lines[0]!) as Partial<JournalTape> | null;
      if (head === null || head.id !== tape.id || head.version !== tape.version || head.size !== tape.size) return "other-tape";
      for (const line of lines.slice(1)) {
        const fact = parseLine(line) as { part?: unknown } | null;
        if (typeof fact?.part === "number") done.add(fact.part);
      }
    }
    const fd = fs.openSync(file, "a");
    if (text.length === 0) fs.writeSync(fd, `${JSON.stringify({ id: tape.id, version: tape.version, size: tape.size })}\n`);
    // A torn last line would glue itself to the next fact: start on a fresh line.
    else if (!text.endsWith("\n")) fs.writeSync(fd, "\n");
    return new PartsJournal(fd, done);
  }

  /** Part `number` is written and checked: recorded at once (handed to the kernel). */
  markDone(number: number): void {
    this.done.add(number);
    fs.writeSync(this.fd, `${JSON.stringify({ part: number })}\n`);
  }

  close(): void {
    fs.closeSync(this.fd);
  }
}
