import { existsSync } from 'node:fs';
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { TrainEvent } from '../core/train/trainEvent.ts';
import type { LoggedEvent } from './jobQueue.ts';

/**
 * A job's append-only event log on disk (one JSON event per line; seq is the line's
 * position), mirrored in memory once read, so that a reader always sees every event
 * handed to `append` even while the file write is still under way.
 */
export class JobEventLog {
  private entries?: TrainEvent[];
  private writing: Promise<void> = Promise.resolve();
  /** A crash mid-line leaves a fragment; the next event must start on a line of its own. */
  private openLine = false;

  constructor(readonly path: string) {}

  async load(): Promise<void> {
    if (this.entries) return;
    const text = existsSync(this.path) ? await readFile(this.path, 'utf8') : '';
    this.openLine = text !== '' && !text.endsWith('\n');
    this.entries ??= text.split('\n').flatMap((line) => {
      if (line.trim() === '') return [];
      try {
        return [JSON.parse(line) as TrainEvent];
      } catch {
        // A crash can cut the last line short; everything before it still stands.
        return [];
      }
    });
  }

  /** Appends an event (load() first); returns its seq. */
  append(event: TrainEvent): number {
    if (!this.entries) throw new Error(`JobEventLog ${this.path}: load() before append()`);
    const seq = this.entries.push(event) - 1;
    this.writing = this.writing.then(async () => {
      await mkdir(dirname(this.path), { recursive: true });
      await appendFile(this.path, `${this.openLine ? '\n' : ''}${JSON.stringify(event)}\n`);
      this.openLine = false;
    });
    return seq;
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
