/**
 * The entry rows of a recording written into the index on a thread of their
 * own, while the recording thread goes on walking: the inserts were a third
 * of a recording's time (2,002,001 entries), and a walk is system calls that
 * leave the other core idle. The recording thread stays synchronous (a walk is
 * fastest with the sync API): it hands rows over in batches and waits, with
 * Atomics.wait, only when the writer is several batches behind, which bounds
 * the memory the batches take.
 *
 * The worker is started from source text (`eval`), not from a file, so that a
 * bundle of this package (the CLI's) needs no file beside it; it loads
 * better-sqlite3 from the path this module resolves.
 */
import { createRequire } from "node:module";
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from "node:worker_threads";

/** What the worker runs: one write transaction, every batch into it, then the metadata and COMMIT (or ROLLBACK). */
const WORKER_SOURCE = `
const { workerData } = require("node:worker_threads");
const { sqlite, indexPath, signal, port, insertMany, insertOne, columns, manyLength } = workerData;
const counter = new Int32Array(signal);
// Whatever ends this thread, the recording thread waiting on it must learn it.
process.on("exit", () => {
  Atomics.store(counter, 1, 1);
  Atomics.notify(counter, 0);
});
let failure = null;
let db = null;
let many = null;
let one = null;
let setMeta = null;
const answer = (message) => {
  port.postMessage(message);
  Atomics.add(counter, 0, 1);
  Atomics.notify(counter, 0);
};
try {
  const Database = require(sqlite);
  db = new Database(indexPath);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.pragma("busy_timeout = 10000");
  db.pragma("cache_size = -4000");
  db.exec("BEGIN IMMEDIATE; DELETE FROM entries; DELETE FROM meta;");
  many = db.prepare(insertMany);
  one = db.prepare(insertOne);
  setMeta = db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)");
} catch (err) {
  failure = err;
}
port.on("message", (m) => {
  if (failure === null) {
    try {
      if (m.type === "rows") {
        for (const values of m.statements) {
          if (values.length === manyLength) many.run(values);
          else for (let i = 0; i < values.length; i += columns) one.run(values.slice(i, i + columns));
        }
      } else if (m.type === "finish") {
        for (const [key, value] of m.meta) setMeta.run(key, value);
        db.exec("COMMIT");
      } else db.exec("ROLLBACK");
    } catch (err) {
      failure = err;
      try { if (db.inTransaction) db.exec("ROLLBACK"); } catch {}
    }
  }
  if (m.type === "rows") {
    answer(null);
    return;
  }
  try { if (db) db.close(); } catch {}
  answer(failure === null ? { ok: true } : { ok: false, message: String(failure && failure.message), code: failure && failure.code });
  port.close();
});
`;

/** Rows per statement (`insertMany`), statements per batch handed over. */
export const ROWS_PER_STATEMENT = 64;
const STATEMENTS_PER_BATCH = 32;
/** Batches handed over and not yet written, at most: about 0.5 MB each. */
const MAX_IN_FLIGHT = 4;

export class WriterFailedError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

/**
 * One recording's rows, written on a worker thread into `indexPath`, in one
 * transaction that replaces the entries and the metadata (upload state kept).
 * `insertMany` and `insertOne` take `columns` values a row, for
 * ROWS_PER_STATEMENT rows and for one.
 */
export class BackgroundEntryWriter {
  /** Writer threads this process started so far (what a test of when one is started looks at). */
  static threadsStarted = 0;
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly counter: Int32Array;
  private sent = 0;
  private statements: unknown[][] = [];
  private values: unknown[] = [];
  private done = false;

  constructor(
    indexPath: string,
    private readonly columns: number,
    insertMany: string,
    insertOne: string,
  ) {
    // [0]: messages answered; [1]: 1 once the worker thread has ended.
    const signal = new SharedArrayBuffer(8);
    this.counter = new Int32Array(signal);
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    // Throws (before any thread starts) where better-sqlite3 cannot be found from here: the caller then writes on its own thread.
    const sqlite = createRequire(import.meta.url).resolve("better-sqlite3");
    BackgroundEntryWriter.threadsStarted++;
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { sqlite, indexPath, signal, port: port2, insertMany, insertOne, columns, manyLength: ROWS_PER_STATEMENT * columns },
      transferList: [port2],
      // Its garbage is a batch at a time; left to itself, V8 let its young generation grow to
      // about 50 MB over 2,000,000 entries.
      resourceLimits: { maxYoungGenerationSizeMb: 8 },
    });
    this.worker.unref();
    this.port.unref();
  }

  /** Adds the values of one row (copied: `row` may be filled again). */
  add(row: readonly unknown[]): void {
    for (let i = 0; i < this.columns; i++) this.values.push(row[i]);
    if (this.values.length === ROWS_PER_STATEMENT * this.columns) {
      this.statements.push(this.values);
      this.values = [];
      if (this.statements.length === STATEMENTS_PER_BATCH) this.flush();
    }
  }

  private flush(): void {
    if (this.values.length > 0) {
      this.statements.push(this.values);
      this.values = [];
    }
    if (this.statements.length === 0) return;
    this.waitFor(this.sent - MAX_IN_FLIGHT + 1);
    this.port.postMessage({ type: "rows", statements: this.statements });
    this.sent++;
    this.statements = [];
  }

  /** Waits until the worker has answered `n` messages; throws if it ended before. */
  private waitFor(n: number): void {
    for (;;) {
      const answered = Atomics.load(this.counter, 0);
      if (answered >= n) return;
      if (Atomics.load(this.counter, 1) === 1) {
        this.done = true;
        throw new WriterFailedError("the index writer thread ended before writing the recording", undefined);
      }
      Atomics.wait(this.counter, 0, answered, 1000);
    }
  }

  /** The worker's last answer, once every message is answered. */
  private settle(): { ok: boolean; message?: string; code?: string } {
    this.waitFor(this.sent);
    this.done = true;
    let last: { ok: boolean; message?: string; code?: string } | null = null;
    for (let m = receiveMessageOnPort(this.port); m !== undefined; m = receiveMessageOnPort(this.port)) {
      if (m.message !== null) last = m.message as { ok: boolean; message?: string; code?: string };
    }
    this.port.close();
    return last ?? { ok: false, message: "the index writer stopped without an answer" };
  }

  /** Writes the rest, then the metadata, and commits; throws what the writer met. */
  finish(meta: ReadonlyArray<readonly [string, string]>): void {
    this.flush();
    this.port.postMessage({ type: "finish", meta });
    this.sent++;
    const answer = this.settle();
    if (!answer.ok) throw new WriterFailedError(answer.message ?? "the index writer failed", answer.code);
  }

  /** Rolls back what was written. */
  abort(): void {
    if (this.done) return;
    this.port.postMessage({ type: "abort" });
    this.sent++;
    this.settle();
  }
}
