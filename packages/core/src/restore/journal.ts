/**
 * The restore's journal, `<dir>/.tartape-restore/journal`: one JSON line per
 * fact, appended once the fact is true on disk. Its first line names the tape
 * (object and version) and the entries chosen (`--only`), so a journal is
 * never applied to another tape or another choice.
 *
 * Entries are named by their ordinal: their position in the tape's list of
 * entries (catalog order, or archive order for a tar read header by header).
 * The restore finishes entries in that order (a file when its last bytes are
 * checked and renamed, any other entry only after every file before it), so
 * what is done is a prefix, one number whatever the number of entries:
 *   {"t": n}                       every chosen entry up to ordinal n is done (or refused, below)
 *   {"p": n, "b": bytes, "c": crc}  entry n's first bytes (CRC-32 c) are in its partial file
 *   {"r": n, "path": p, "why": w}   entry n was refused (kept to report it again after a resume)
 * A SIGKILL can tear only the last line; a torn line is ignored and costs at
 * most that entry's bytes again. Facts are written to the kernel by a flush
 * (one write for many small files), which the restore awaits before a read's
 * buffer takes another read: a killed process loses only facts about bytes
 * still in the read buffers, which a rerun fetches again anyway. The kernel
 * has the facts, not the disk: no fsync (see docs/restore.md).
 */
import fs from "node:fs";
import path from "node:path";
import type { RefusedEntry } from "./errors.js";

/** The journal's own format: a journal of another format is not read (another tartape wrote it). */
const FORMAT = 2;

export interface JournalTape {
  readonly id: string;
  readonly version: string;
  readonly size: number;
}

export interface PartialProgress {
  readonly bytes: number;
  readonly crc: number;
}

/** Why a journal cannot be resumed: it belongs to another tape (or version), or chose other entries. */
export type JournalMismatch = "other-tape" | "other-selection";

interface Head extends JournalTape {
  readonly format: number;
  readonly only: readonly string[];
}

export class RestoreJournal {
  private unwritten = "";
  /** The last "done through" fact appended (a flush writes only the newest). */
  private doneThroughWritten: number;

  private constructor(
    private readonly fd: number,
    /** Every chosen entry whose ordinal is at most this is done or refused (-1: none yet). */
    private through: number,
    /** Files with a verified prefix in their partial file, by ordinal: those in flight when a run stopped. */
    readonly partial: Map<number, PartialProgress>,
    /** Entries an earlier run refused, by ordinal. */
    readonly refused: Map<number, RefusedEntry>,
  ) {
    this.doneThroughWritten = through;
  }

  /**
   * Opens the journal at `file` for `tape` and the entries `only` chooses
   * (empty: all): what an earlier run did, or a new journal. Says why instead
   * when the journal belongs to another tape or chose other entries.
   */
  static open(file: string, tape: JournalTape, only: readonly string[] = []): RestoreJournal | JournalMismatch {
    let through = -1;
    const partial = new Map<number, PartialProgress>();
    const refused = new Map<number, RefusedEntry>();
    let text: string | null = null;
    try {
      text = fs.readFileSync(file, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    }
    if (text !== null && text.length > 0) {
      const lines = text.split("\n");
      const head = parseLine(lines[0]!) as Partial<Head> | null;
      if (head === null || head.format !== FORMAT || head.id !== tape.id || head.version !== tape.version || head.size !== tape.size) return "other-tape";
      if (JSON.stringify(head.only ?? []) !== JSON.stringify(only)) return "other-selection";
      for (const line of lines.slice(1)) {
        const fact = parseLine(line) as { t?: number; p?: number; b?: number; c?: number; r?: number; path?: string; why?: string } | null;
        if (fact === null) continue;
        if (typeof fact.t === "number") {
          through = Math.max(through, fact.t);
          for (const ordinal of partial.keys()) if (ordinal <= through) partial.delete(ordinal);
        } else if (typeof fact.p === "number" && typeof fact.b === "number" && typeof fact.c === "number") {
          partial.set(fact.p, { bytes: fact.b, crc: fact.c });
        } else if (typeof fact.r === "number" && typeof fact.path === "string" && typeof fact.why === "string") {
          refused.set(fact.r, { path: fact.path, reason: fact.why });
        }
      }
    }
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const fd = fs.openSync(file, "a");
    const journal = new RestoreJournal(fd, through, partial, refused);
    // A torn last line would glue itself to the next fact: start on a fresh line.
    if (text === null || text.length === 0) journal.append({ format: FORMAT, id: tape.id, version: tape.version, size: tape.size, only });
    else if (!text.endsWith("\n")) journal.unwritten = "\n";
    journal.flush();
    return journal;
  }

  /** Every chosen entry up to this ordinal is done or refused (-1: none yet). */
  get doneThrough(): number {
    return this.through;
  }

  /** Every chosen entry up to `ordinal` is done: the restore says so in order. */
  markDoneThrough(ordinal: number): void {
    if (ordinal <= this.through) return;
    this.through = ordinal;
    this.partial.delete(ordinal);
  }

  /** Said at a read's end, when the file's bytes so far are written; flushed with the rest before the next read. */
  markPartial(ordinal: number, progress: PartialProgress): void {
    this.partial.set(ordinal, progress);
    this.append({ p: ordinal, b: progress.bytes, c: progress.crc });
  }

  markRefused(ordinal: number, entry: RefusedEntry): void {
    this.refused.set(ordinal, entry);
    this.append({ r: ordinal, path: entry.path, why: entry.reason });
  }

  /**
   * flush() through the thread pool: a small write can wait long in the kernel
   * (dirty-page throttling while a restore writes gigabytes), and the event
   * loop keeps receiving the reads in flight meanwhile.
   */
  async flushAsync(): Promise<void> {
    const data = Buffer.from(this.take(), "utf8");
    for (let written = 0; written < data.length; ) {
      written += await new Promise<number>((resolve, reject) => fs.write(this.fd, data, written, data.length - written, null, (err, n) => (err ? reject(err) : resolve(n))));
    }
  }

  /** Hands the facts noted since the last flush to the kernel, where a killed process cannot lose them. */
  flush(): void {
    const text = this.take();
    if (text !== "") fs.writeSync(this.fd, text);
  }

  close(): void {
    try {
      this.flush();
    } finally {
      fs.closeSync(this.fd);
    }
  }

  /** The facts to write now: those appended, then the newest "done through" (one line for many entries). */
  private take(): string {
    if (this.through > this.doneThroughWritten) {
      this.append({ t: this.through });
      this.doneThroughWritten = this.through;
    }
    const text = this.unwritten;
    this.unwritten = "";
    return text;
  }

  private append(fact: object): void {
    this.unwritten += `${JSON.stringify(fact)}\n`;
  }
}

/** One line of a JSON-lines journal; null for an empty or torn one. */
export function parseLine(line: string): unknown {
  if (line === "") return null;
  try {
    return JSON.parse(line) as unknown;
  } catch {
    return null;
  }
}
