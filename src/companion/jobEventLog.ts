import { existsSync } from 'node:fs';
import { mkdir, open, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { TrainEvent } from '../core/train/trainEvent.ts';
import type { LoggedEvent } from './jobQueue.ts';

/** Events that close an epoch or the run: the log is fsync'd after them, as the run's checkpoints are. */
const SYNC_AFTER = new Set<TrainEvent['type']>(['epoch', 'trainEnd']);

/**
 * A job's append-only event log on disk (one JSON event per line; seq is the line's
 * position), mirrored in memory once read. An event gets its seq, and is handed on,
 * only once its line is written (and fsync'd at the end of each epoch and of the run):
 * nobody is ever told of an event a crash could take back, so a resumed run continues
 * the numbering after the last event anyone saw and never gives a seq out twice. After
 * a failed write (a full disk) the log takes nothing more until it is loaded again.
 */
export class JobEventLog {
  private entries?: TrainEvent[];
  private writing: Promise<void> = Promise.resolve();
  /** A crash or a failed write mid-line leaves a fragment; the next event must start on a line of its own. */
  private openLine = false;
  private failure?: unknown;

  constructor(
    readonly path: string,
    /** Test support: called before each write (a fault-injecting file layer throws from here). */
    private readonly beforeWrite?: (path: string) => void,
  ) {}

  /** Reads the log from disk (again, after a failed write: the file is what counts). */
  async load(): Promise<void> {
    if (this.failure !== undefined) {
      await this.writing;
      this.entries = undefined;
      this.failure = undefined;
    }
    if (this.entries) return;
    const text = existsSync(this.path) ? await readFile(this.path, 'utf8') : '';
    this.openLine = text !== '' && !text.endsWith('\n');
    this.entries ??= text.split('\n').flatMap((line) => {
      if (line.trim() === '') return [];
      try {
        return [JSON.parse(line) as TrainEvent];
      } catch {
        // A crash can cut a line short; everything else still stands.
        return [];
      }
    });
  }

  /**
   * Appends an event (load() first). `written` gets its seq once it is on disk, in append
   * order; a failed write calls `failed` once and drops it and every later event.
   */
  append(event: TrainEvent, written: (seq: number) => void, failed: (err: unknown) => void): void {
    const entries = this.entries;
    if (!entries) throw new Error(`JobEventLog ${this.path}: load() before append()`);
    this.writing = this.writing.then(async () => {
      if (this.failure !== undefined) return;
      try {
        this.beforeWrite?.(this.path);
        await mkdir(dirname(this.path), { recursive: true });
        const file = await open(this.path, 'a');
        try {
          await file.appendFile(`${this.openLine ? '\n' : ''}${JSON.stringify(event)}\n`);
          if (SYNC_AFTER.has(event.type)) await file.datasync();
        } finally {
          await file.close();
        }
      } catch (err) {
        this.failure = err;
        this.openLine = true;
        failed(err);
        return;
      }
      this.openLine = false;
      written(entries.push(event) - 1);
    });
  }

  /**
   * Takes an entry another process (the job's own) wrote to this log's file, so readers
   * here see it without reading the file again; out of order, the file is read again on
   * the next read.
   */
  adopt(seq: number, event: TrainEvent): void {
    if (this.entries && seq === this.entries.length) this.entries.push(event);
    else this.entries = undefined;
  }

  async after(seq: number): Promise<LoggedEvent[]> {
    await this.load();
    const from = Math.max(0, Math.floor(seq) + 1);
    return (this.entries ?? []).slice(from).map((event, i) => ({ seq: from + i, event }));
  }

  flushed(): Promise<void> {
    return this.writing;
  }
}
