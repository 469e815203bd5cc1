// Overall progress of a sync: files and bytes done out of the total, the rate over the last
// few seconds, and the time left at that rate.

export interface Progress {
  filesTotal: number;
  filesDone: number;
  bytesTotal: number;
  bytesDone: number;
  /** Bytes per second over the recent window. */
  rate: number;
  /** Seconds left at the current rate; undefined while the rate is unknown. */
  etaSeconds: number | undefined;
  /** Relative paths being uploaded now. */
  current: string[];
}

const WINDOW_MS = 5000;

export class ProgressTracker {
  filesTotal = 0;
  filesDone = 0;
  bytesTotal = 0;
  private bytesFinished = 0;
  private readonly inFlight = new Map<string, number>();
  private readonly samples: { at: number; bytes: number }[] = [];
  private readonly now: () => number;

  constructor(now: () => number = () => performance.now()) {
    this.now = now;
  }

  add(files: number, bytes: number): void {
    this.filesTotal += files;
    this.bytesTotal += bytes;
  }

  /** A file's upload sent `sent` bytes so far (restarts at 0 on a retry). */
  sending(relPath: string, sent: number): void {
    this.inFlight.set(relPath, sent);
    this.sample();
  }

  /** A file is finished (uploaded, found already there, or failed); its bytes count as done. */
  finish(relPath: string, bytes: number): void {
    this.inFlight.delete(relPath);
    this.filesDone++;
    this.bytesFinished += bytes;
    this.sample();
  }

  get bytesDone(): number {
    let sum = this.bytesFinished;
    for (const b of this.inFlight.values()) sum += b;
    return Math.min(sum, this.bytesTotal);
  }

  private sample(): void {
    const at = this.now();
    this.samples.push({ at, bytes: this.bytesDone });
    while (this.samples.length > 2 && (this.samples[0] as { at: number }).at < at - WINDOW_MS)
      this.samples.shift();
  }

  snapshot(): Progress {
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    const span = first && last ? (last.at - first.at) / 1000 : 0;
    const rate = first && last && span > 0.2 ? (last.bytes - first.bytes) / span : 0;
    const left = this.bytesTotal - this.bytesDone;
    return {
      filesTotal: this.filesTotal,
      filesDone: this.filesDone,
      bytesTotal: this.bytesTotal,
      bytesDone: this.bytesDone,
      rate,
      etaSeconds: rate > 0 ? left / rate : undefined,
      current: [...this.inFlight.keys()],
    };
  }
}
