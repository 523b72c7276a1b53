import type { ImportProgress } from './importFiles.ts';

/** Counts an import's files and reports at most every `intervalMs` (plus a final report), so a fast import does not flood the page with renders. */
export class ProgressMeter {
  done = 0;
  imported = 0;
  bad = 0;
  bytes = 0;
  private readonly start = performance.now();
  private last = -Infinity;

  constructor(
    readonly total: number,
    private readonly report: ((progress: ImportProgress) => void) | undefined,
    private readonly intervalMs = 100,
  ) {}

  /** Reports when `intervalMs` has passed since the last report, or always when `final`. */
  tick(final = false): void {
    if (!this.report) return;
    const now = performance.now();
    if (!final && now - this.last < this.intervalMs) return;
    this.last = now;
    const seconds = (now - this.start) / 1000;
    const filesPerSec = seconds > 0 ? this.done / seconds : 0;
    const left = this.total - this.done;
    const etaSec = left <= 0 ? 0 : filesPerSec > 0 ? left / filesPerSec : Infinity;
    this.report({ done: this.done, total: this.total, imported: this.imported, bad: this.bad, bytes: this.bytes, filesPerSec, etaSec });
  }
}
