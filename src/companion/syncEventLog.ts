import { appendFileSync, closeSync, existsSync, fdatasyncSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { TrainEvent } from '../core/train/trainEvent.ts';

/** Events that close an epoch or the run: the log is fsync'd after them, as the run's checkpoints are. */
const SYNC_AFTER = new Set<TrainEvent['type']>(['epoch', 'trainEnd']);

/**
 * A job's event log as the job's own process writes it (the same file and format as
 * JobEventLog): each append is written before it returns, so the trainer's next step —
 * and any checkpoint — comes after it on disk. Blocking is right here: this process only
 * trains; the server's process never waits on it.
 */
export class SyncEventLog {
  private count: number;
  private openLine: boolean;

  constructor(readonly path: string) {
    const text = existsSync(path) ? readFileSync(path, 'utf8') : '';
    this.openLine = text !== '' && !text.endsWith('\n');
    // The same count JobEventLog reads: every whole, parseable line.
    this.count = text.split('\n').filter((line) => {
      if (line.trim() === '') return false;
      try {
        JSON.parse(line);
        return true;
      } catch {
        return false;
      }
    }).length;
  }

  /** Writes the event; returns its seq. Throws (a full disk) with nothing counted. */
  append(event: TrainEvent): number {
    mkdirSync(dirname(this.path), { recursive: true });
    const fd = openSync(this.path, 'a');
    try {
      appendFileSync(fd, `${this.openLine ? '\n' : ''}${JSON.stringify(event)}\n`);
      if (SYNC_AFTER.has(event.type)) fdatasyncSync(fd);
    } catch (err) {
      this.openLine = true;
      throw err;
    } finally {
      closeSync(fd);
    }
    this.openLine = false;
    return this.count++;
  }
}
