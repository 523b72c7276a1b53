/** Error codes that mean the disk (or the user's quota) has no room left. */
const FULL_CODES = new Set(['ENOSPC', 'EDQUOT']);

/** Whether an error (or an error's message, as a trainer's end event carries it) says the disk is full. */
export function isDiskFull(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && FULL_CODES.has(code)) return true;
  const message = err instanceof Error ? err.message : typeof err === 'string' ? err : '';
  return /\bENOSPC\b|\bEDQUOT\b|no space left on device|disk quota exceeded/i.test(message);
}

/** What /health says of the disk. */
export interface DiskReport {
  full: boolean;
  /** The last write that failed for lack of room, and when. */
  message?: string;
  since?: number;
}

/**
 * Whether the companion's disk was found full. A failed write reports itself here (the
 * job it belonged to ends `failed: disk full`, the server stays up); the next job event
 * or upload that is written clears it. (The small writes of the job list do not: one
 * may fit where a job's cannot.)
 */
export class DiskState {
  private report: DiskReport = { full: false };

  /** Records `err` if it means a full disk; returns whether it did. */
  failed(err: unknown, what: string): boolean {
    if (!isDiskFull(err)) return false;
    if (!this.report.full) this.report = { full: true, message: `disk full: ${what} could not be written (${err instanceof Error ? err.message : String(err)})`, since: Date.now() };
    return true;
  }

  wrote(): void {
    if (this.report.full) this.report = { full: false };
  }

  get(): DiskReport {
    return { ...this.report };
  }
}

/** A write the companion had to refuse for lack of room; the API answers it with 507. */
export class DiskFullError extends Error {}
