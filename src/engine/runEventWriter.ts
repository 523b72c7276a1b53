import type { TrainEvent } from '../core/train/trainEvent.ts';
import type { RunRepo } from '../storage/runRepo.ts';

/** Events after which the stored curve should be complete at once: epoch ends, checkpoints, the end. */
const FLUSH_AT: ReadonlySet<TrainEvent['type']> = new Set(['epoch', 'checkpoint', 'trainEnd']);

/**
 * Appends one run's events to IndexedDB in batches, and its record updates after them,
 * through one ordered promise chain: the training loop hands events over and moves on,
 * and only a checkpoint waits (`settled`) for everything before it to be stored.
 *
 * After a write fails the later ones are skipped, so the stored events never have a gap
 * in the middle; `settled` reports the failure, and the run ends there.
 */
export class RunEventWriter {
  private buffer: TrainEvent[] = [];
  private chain: Promise<void> = Promise.resolve();
  private failure?: Error;
  private timer?: ReturnType<typeof setTimeout>;

  constructor(
    private readonly runs: RunRepo,
    private readonly runId: string,
    private readonly flushEveryMs = 500,
  ) {}

  add(event: TrainEvent): void {
    this.buffer.push(event);
    if (FLUSH_AT.has(event.type)) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.flushEveryMs);
  }

  /** Queues a write (a record update) behind every event added so far. */
  then(write: () => Promise<unknown>): void {
    this.flush();
    this.enqueue(write);
  }

  /** Waits for everything added and queued; throws the first write that failed. */
  async settled(): Promise<void> {
    this.flush();
    await this.chain;
    if (this.failure) throw this.failure;
  }

  /** Stops the flush timer; call after a final `settled`. */
  dispose(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private flush(): void {
    this.dispose();
    if (this.buffer.length === 0) return;
    const batch = this.buffer;
    this.buffer = [];
    this.enqueue(() => this.runs.appendEvents(this.runId, batch));
  }

  private enqueue(write: () => Promise<unknown>): void {
    this.chain = this.chain.then(async () => {
      if (this.failure) return;
      try {
        await write();
      } catch (err) {
        this.failure = err instanceof Error ? err : new Error(String(err));
      }
    });
  }
}
