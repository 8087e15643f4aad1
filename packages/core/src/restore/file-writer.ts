/**
 * The system calls that put files in place, on a thread of their own: open,
 * write, CRC-32, mode and mtime, close, rename. On the restore's own thread
 * they were half of its wall time (bench:restore, --cpu-prof: 1.0 s in open of
 * 20,000 temporary files, 1.0 s CRC-32, 0.5 s writes, 0.3 s rename and
 * attributes, of 9 s), time in which the HTTP responses of the reads in flight
 * waited. Here they run beside the receiving, one batch of jobs per message:
 * an asynchronous call per file and system call (six for each small file)
 * would have cost the receiving thread a trip through the thread pool each.
 *
 * A batch's bytes lie in a SharedArrayBuffer the restore fills (its read
 * buffers), so nothing is copied on the way. Batches queue up and run in the
 * order given; the restore lends a buffer until its batch's outcomes are back,
 * waits for every batch before anything else touches the folders they write
 * into, and records a file in its journal only from its outcome: once it is
 * written, checked and renamed.
 *
 * The worker is started from source text (`eval`), as index/background-writer.ts
 * is, so that a bundle of this package needs no file beside it.
 */
import { Worker } from "node:worker_threads";

/** One file's bytes in the batch's buffer, and what to do once they are written. */
export interface WriteJob {
  /** The file's temporary name. */
  readonly file: string;
  /** "create" a new file; "resume" one an earlier run began (cut to `at` first); "continue" this run's. */
  readonly open: "create" | "resume" | "continue";
  /** Where in the file the bytes go. */
  readonly at: number;
  /** The bytes: [from, to) of the batch's buffer (from === to for none). */
  readonly from: number;
  readonly to: number;
  /**
   * CRC-32 of the file's bytes before `at`, for "create" and "resume"; a
   * "continue" job goes on from the CRC its file's previous job left here (the
   * restore hands over a file's next bytes before it hears of the last ones).
   */
  readonly crc: number;
  /** Present on a file's last job: check, set attributes, rename. */
  readonly finish?: FinishFile;
}

export interface FinishFile {
  /** The CRC-32 the whole file must have (null: not recorded, nothing to check). */
  readonly crc: number | null;
  readonly mode: number;
  /** Seconds since the epoch, before 1970 too. */
  readonly mtime: number;
  /** Owner and group to give the file (only when asked and running as root). */
  readonly owner?: { readonly uid: number; readonly gid: number };
  /** Its real name: the rename's destination. */
  readonly target: string;
}

/** What became of one job. Jobs after a failed one or a damaged file are not done and have no outcome (in later batches neither). */
export type WriteOutcome =
  | { readonly kind: "written"; readonly crc: number }
  | { readonly kind: "placed"; readonly crc: number }
  | { readonly kind: "corrupt"; readonly crc: number }
  | { readonly kind: "folder-in-place" }
  | { readonly kind: "failed"; readonly error: { readonly message: string; readonly code?: string; readonly syscall?: string; readonly errno?: number; readonly path?: string } };

const WORKER_SOURCE = `
const { parentPort } = require("node:worker_threads");
const fs = require("node:fs");
const zlib = require("node:zlib");
// Node's utimes takes a negative number of seconds for "now": dates before 1970 go as Dates.
const asDate = (seconds) => new Date(seconds * 1000);
// rename(2) replaces a file or a link, never following it, and refuses to replace a folder with these.
const FOLDER_IN_PLACE = new Set(["EISDIR", "ENOTEMPTY", "EEXIST", "ENOTDIR"]);

const PIECE = 256 * 1024;
// CRC-32 so far of each file whose last job has not come yet.
const running = new Map();

function run(job, data) {
  const fd = fs.openSync(job.file, job.open === "create" ? "w" : "r+", 0o600);
  let crc = job.open === "continue" ? running.get(job.file) : job.crc;
  running.delete(job.file);
  let open = true;
  try {
    if (job.open === "resume") fs.ftruncateSync(fd, job.at);
    // A piece at a time, its CRC-32 first: the write then copies bytes the CRC just brought into
    // the CPU's cache, instead of reading a range of megabytes from memory twice.
    for (let from = job.from; from < job.to; ) {
      const to = Math.min(job.to, from + PIECE);
      crc = zlib.crc32(data.subarray(from, to), crc) >>> 0;
      for (let at = from; at < to; ) at += fs.writeSync(fd, data, at, to - at, job.at + (at - job.from));
      from = to;
    }
    const finish = job.finish;
    if (finish === undefined) {
      running.set(job.file, crc);
      return { kind: "written", crc };
    }
    if (finish.crc !== null && crc !== finish.crc) {
      fs.closeSync(fd);
      open = false;
      fs.rmSync(job.file, { force: true });
      return { kind: "corrupt", crc };
    }
    // chown first: it clears setuid and setgid, which the mode then sets when asked.
    if (finish.owner !== undefined) fs.fchownSync(fd, finish.owner.uid, finish.owner.gid);
    fs.fchmodSync(fd, finish.mode);
    fs.futimesSync(fd, asDate(finish.mtime), asDate(finish.mtime));
  } finally {
    if (open) fs.closeSync(fd);
  }
  try {
    fs.renameSync(job.file, job.finish.target);
  } catch (err) {
    if (!FOLDER_IN_PLACE.has(err.code)) throw err;
    fs.rmSync(job.file, { force: true });
    return { kind: "folder-in-place" };
  }
  return { kind: "placed", crc };
}

// After a failure or a damaged file the restore stops: the batches queued behind are not done.
let stopped = false;
parentPort.on("message", ({ buffer, offset, length, jobs }) => {
  const data = buffer === null ? Buffer.alloc(0) : Buffer.from(buffer, offset, length);
  const outcomes = [];
  for (const job of jobs) {
    if (stopped) break;
    try {
      const outcome = run(job, data);
      outcomes.push(outcome);
      stopped = outcome.kind === "corrupt";
    } catch (err) {
      outcomes.push({ kind: "failed", error: { message: String(err && err.message), code: err.code, syscall: err.syscall, errno: err.errno, path: err.path } });
      stopped = true;
    }
  }
  parentPort.postMessage(outcomes);
});
`;

/** An error of a system call in the worker, as Node would have thrown it here. */
export function asSystemError(error: Extract<WriteOutcome, { kind: "failed" }>["error"]): NodeJS.ErrnoException {
  const err: NodeJS.ErrnoException = new Error(error.message);
  if (error.code !== undefined) err.code = error.code;
  if (error.syscall !== undefined) err.syscall = error.syscall;
  if (error.errno !== undefined) err.errno = error.errno;
  if (error.path !== undefined) err.path = error.path;
  return err;
}

export class FileWriter {
  private readonly worker: Worker;
  /** Batches handed over and not answered yet, in order: the thread answers them in that order. */
  private readonly waiting: Array<{ resolve: (outcomes: WriteOutcome[]) => void; reject: (err: unknown) => void }> = [];
  private broken: unknown = null;

  constructor() {
    // Its garbage is a batch's outcomes at a time: a small young generation keeps its memory small.
    this.worker = new Worker(WORKER_SOURCE, { eval: true, resourceLimits: { maxYoungGenerationSizeMb: 4 } });
    this.worker.on("message", (outcomes: WriteOutcome[]) => {
      this.waiting.shift()?.resolve(outcomes);
      // Nothing pending: the thread must not keep the process alive.
      if (this.waiting.length === 0) this.worker.unref();
    });
    const fail = (err: unknown): void => {
      this.broken ??= err;
      for (const waiting of this.waiting.splice(0)) waiting.reject(err);
    };
    this.worker.on("error", fail);
    this.worker.on("exit", (code) => fail(new Error(`the restore's file writer thread stopped (exit code ${code})`)));
    this.worker.unref();
  }

  /**
   * Runs `jobs` in order on `data` (a view of a SharedArrayBuffer, or null when
   * no job has bytes), after the batches handed over before; resolves with one
   * outcome per job done, stopping at the batch's first failure.
   */
  write(data: Buffer | null, jobs: readonly WriteJob[]): Promise<WriteOutcome[]> {
    if (this.broken !== null) return Promise.reject(this.broken);
    if (data !== null && !(data.buffer instanceof SharedArrayBuffer)) throw new TypeError("FileWriter.write: the bytes must lie in a SharedArrayBuffer");
    return new Promise<WriteOutcome[]>((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.worker.ref();
      this.worker.postMessage({ buffer: data?.buffer ?? null, offset: data?.byteOffset ?? 0, length: data?.length ?? 0, jobs });
    });
  }

  /** Stops the thread; batches not answered yet are given up (their files are in no journal). */
  async close(): Promise<void> {
    // terminate() keeps the process alive (it refs the thread) until the thread has stopped; an
    // answer delivered meanwhile would unref it again in the handler above, and the process
    // could end before the restore reported its error: exit code 0 after a failed restore.
    this.worker.removeAllListeners("message");
    this.worker.removeAllListeners("exit");
    await this.worker.terminate();
    for (const waiting of this.waiting.splice(0)) waiting.reject(new Error("the restore's file writer thread was stopped"));
  }
}
