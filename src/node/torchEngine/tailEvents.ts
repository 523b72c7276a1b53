import { open, readFile, stat } from 'node:fs/promises';
import type { TrainEvent } from '../../core/train/trainEvent.ts';

/**
 * Follows an events.jsonl another process appends to, handing each complete line over once.
 * A resumed engine first cuts the file back to its checkpoint (a new file renamed over the
 * old: a new inode, and maybe already longer than what was read) and then appends: the tail
 * then rereads from the top, skips the lines it has already handed over that survived the
 * cut, and goes on with what is new, so a host's curve stays continuous.
 */
export class EventTail {
  private offset = 0;
  private inode?: number;
  private emitted: string[] = [];
  private partial = '';
  private timer?: NodeJS.Timeout;
  private reading = Promise.resolve();

  constructor(
    private readonly path: string,
    private readonly onEvent: (event: TrainEvent) => void,
  ) {}

  /**
   * `skipExisting`: what the file holds now was handed over before (a resumed run's earlier
   * sessions), so only lines written from here on are; the old ones still count as handed
   * over when the engine cuts the file back.
   */
  async start(opts: { everyMs?: number; skipExisting?: boolean } = {}): Promise<void> {
    if (opts.skipExisting) {
      try {
        const text = await readFile(this.path, 'utf8');
        const complete = text.slice(0, text.lastIndexOf('\n') + 1);
        this.emitted = complete.split('\n').filter((line) => line.trim() !== '');
        this.offset = Buffer.byteLength(complete);
        this.inode = (await stat(this.path)).ino;
      } catch {
        // No file yet: nothing to skip.
      }
    }
    this.timer = setInterval(() => void this.poll(), opts.everyMs ?? 200);
  }

  /** Reads what is left and stops. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.poll();
  }

  poll(): Promise<void> {
    this.reading = this.reading.then(() => this.read()).catch(() => undefined);
    return this.reading;
  }

  private async read(): Promise<void> {
    let size: number;
    let inode: number;
    try {
      ({ size, ino: inode } = await stat(this.path));
    } catch {
      return;
    }
    const replaced = this.inode !== undefined && inode !== this.inode;
    this.inode = inode;
    if (replaced || size < this.offset) {
      this.offset = 0;
      this.partial = '';
      await this.readFrom(size, true);
      return;
    }
    if (size > this.offset) await this.readFrom(size, false);
  }

  private async readFrom(size: number, afterCut: boolean): Promise<void> {
    const file = await open(this.path, 'r');
    try {
      const buffer = Buffer.alloc(size - this.offset);
      await file.read(buffer, 0, buffer.length, this.offset);
      this.offset = size;
      const text = this.partial + buffer.toString('utf8');
      const lines = text.split('\n');
      this.partial = lines.pop() ?? '';
      let kept = 0;
      if (afterCut) {
        while (kept < lines.length && kept < this.emitted.length && lines[kept] === this.emitted[kept]) kept++;
        this.emitted.length = kept;
      }
      for (const line of lines.slice(kept)) {
        if (line.trim() === '') continue;
        let event: TrainEvent;
        try {
          event = JSON.parse(line) as TrainEvent;
        } catch {
          continue;
        }
        this.emitted.push(line);
        this.onEvent(event);
      }
    } finally {
      await file.close();
    }
  }
}
