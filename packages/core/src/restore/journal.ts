/**
 * The restore's journal, `<dir>/.tartape-restore/journal`: one JSON line per
 * fact, appended once the fact is true on disk. Its first line names the tape
 * (object and version), so a journal is never applied to another tape.
 *   {"d": path}                     the entry is written, verified and in place
 *   {"p": path, "n": bytes, "c": crc}  the file's first n bytes (CRC-32 c) are in its partial file
 * A SIGKILL can tear only the last line; a torn line is ignored and costs at
 * most that entry's bytes again. Facts are written to the kernel by a flush
 * (one write for many small files), which the restore awaits before a read's
 * buffer takes another read: a killed process loses only facts about bytes
 * still in the read buffers, which a rerun fetches again anyway. The kernel
 * has the facts, not the disk: no fsync (see docs/restore.md).
 */
import fs from "node:fs";
import path from "node:path";

export interface JournalTape {
  readonly id: string;
  readonly version: string;
  readonly size: number;
}

export interface PartialProgress {
  readonly bytes: number;
  readonly crc: number;
}

export class RestoreJournal {
  private unwritten = "";

  private constructor(
    private readonly fd: number,
    /** Entries already in place. */
    readonly done: Set<string>,
    /** Files with a verified prefix in their partial file. */
    readonly partial: Map<string, PartialProgress>,
  ) {}

  /**
   * Opens the journal at `file` for `tape`: what an earlier run did, or a new
   * journal. Returns "other-tape" when the journal belongs to another tape.
   */
  static open(file: string, tape: JournalTape): RestoreJournal | "other-tape" {
    const done = new Set<string>();
    const partial = new Map<string, PartialProgress>();
    let text: string | null = null;
    try {
      text = fs.readFileSync(file, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    }
    if (text !== null && text.length > 0) {
      const lines = text.split("\n");
      const head = parseLine(lines[0]!) as Partial<JournalTape> | null;
      if (head === null || head.id !== tape.id || head.version !== tape.version || head.size !== tape.size) return "other-tape";
      for (const line of lines.slice(1)) {
        const fact = parseLine(line) as { d?: string; p?: string; n?: number; c?: number } | null;
        if (fact === null) continue;
        if (typeof fact.d === "string") {
          done.add(fact.d);
          partial.delete(fact.d);
        } else if (typeof fact.p === "string" && typeof fact.n === "number" && typeof fact.c === "number") {
          partial.set(fact.p, { bytes: fact.n, crc: fact.c });
        }
      }
    }
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const fd = fs.openSync(file, "a");
    const journal = new RestoreJournal(fd, done, partial);
    // A torn last line would glue itself to the next fact: start on a fresh line.
    if (text === null || text.length === 0) journal.append({ id: tape.id, version: tape.version, size: tape.size });
    else if (!text.endsWith("\n")) journal.unwritten = "\n";
    journal.flush();
    return journal;
  }

  markDone(entryPath: string): void {
    this.done.add(entryPath);
    this.partial.delete(entryPath);
    this.append({ d: entryPath });
  }

  /** Said at a read's end, when the file's bytes so far are written; flushed with the rest before the next read. */
  markPartial(entryPath: string, progress: PartialProgress): void {
    this.partial.set(entryPath, progress);
    this.append({ p: entryPath, n: progress.bytes, c: progress.crc });
  }

  /**
   * flush() through the thread pool: a small write can wait long in the kernel
   * (dirty-page throttling while a restore writes gigabytes), and the event
   * loop keeps receiving the reads in flight meanwhile.
   */
  async flushAsync(): Promise<void> {
    if (this.unwritten === "") return;
    const data = Buffer.from(this.unwritten, "utf8");
    this.unwritten = "";
    for (let written = 0; written < data.length; ) {
      written += await new Promise<number>((resolve, reject) => fs.write(this.fd, data, written, data.length - written, null, (err, n) => (err ? reject(err) : resolve(n))));
    }
  }

  /** Hands the facts noted since the last flush to the kernel, where a killed process cannot lose them. */
  flush(): void {
    if (this.unwritten === "") return;
    const text = this.unwritten;
    this.unwritten = "";
    fs.writeSync(this.fd, text);
  }

  close(): void {
    try {
      this.flush();
    } finally {
      fs.closeSync(this.fd);
    }
  }

  private append(fact: object): void {
    this.unwritten += `${JSON.stringify(fact)}\n`;
  }
}

function parseLine(line: string): unknown {
  if (line === "") return null;
  try {
    return JSON.parse(line) as unknown;
  } catch {
    return null;
  }
}
