/** Upload progress bookkeeping: what a progress bar needs, updated as bytes flow. */
export interface UploadProgress {
  /** Bytes of the tape that are on the server (skipped + uploaded + in flight). */
  readonly bytesDone: number;
  readonly bytesTotal: number;
  /** Bytes a resume did not need to send again. */
  readonly bytesSkipped: number;
  readonly partsDone: number;
  readonly partsSkipped: number;
  readonly partsTotal: number;
  /** Upload rate of this run, bytes per second. */
  readonly bytesPerSecond: number;
  readonly elapsedMs: number;
}

export class ProgressTracker {
  private readonly started = Date.now();
  private bytesSkipped = 0;
  private partsSkipped = 0;
  private partsDone = 0;
  private uploadedBytes = 0;
  private readonly inFlight = new Map<number, number>();
  private lastEmit = 0;

  constructor(
    private readonly bytesTotal: number,
    private readonly partsTotal: number,
    private readonly listener: ((p: UploadProgress) => void) | undefined,
    private readonly intervalMs = 100,
  ) {}

  skipped(bytes: number): void {
    this.bytesSkipped += bytes;
    this.partsSkipped++;
    this.partsDone++;
  }

  /** A new attempt of a part starts from byte 0 of it. */
  attemptStarted(part: number): void {
    this.inFlight.set(part, 0);
    this.emit(false);
  }

  bytes(part: number, n: number): void {
    this.inFlight.set(part, (this.inFlight.get(part) ?? 0) + n);
    this.emit(false);
  }

  partDone(part: number, size: number): void {
    this.inFlight.delete(part);
    this.uploadedBytes += size;
    this.partsDone++;
    this.emit(true);
  }

  partFailed(part: number): void {
    this.inFlight.delete(part);
  }

  snapshot(): UploadProgress {
    let flying = 0;
    for (const n of this.inFlight.values()) flying += n;
    const elapsedMs = Date.now() - this.started;
    const sent = this.uploadedBytes + flying;
    return {
      bytesDone: this.bytesSkipped + sent,
      bytesTotal: this.bytesTotal,
      bytesSkipped: this.bytesSkipped,
      partsDone: this.partsDone,
      partsSkipped: this.partsSkipped,
      partsTotal: this.partsTotal,
      bytesPerSecond: elapsedMs > 0 ? (sent * 1000) / elapsedMs : 0,
      elapsedMs,
    };
  }

  emit(force: boolean): void {
    if (!this.listener) return;
    const now = Date.now();
    if (!force && now - this.lastEmit < this.intervalMs) return;
    this.lastEmit = now;
    this.listener(this.snapshot());
  }
}
