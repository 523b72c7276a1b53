import { appendFileSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { TrainEvent } from '../../core/train/trainEvent.ts';
import { EventTail } from './tailEvents.ts';

const root = mkdtempSync(join(tmpdir(), 'event-tail-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const line = (type: string, step: number) => JSON.stringify({ type, epoch: 0, step, time: step }) + '\n';
const steps = (events: TrainEvent[]) => events.map((e) => `${e.type}:${(e as { step?: number }).step ?? ''}`);

/** What an engine's resume does: the kept lines into a new file, renamed over the old. */
function cutAndRewrite(path: string, kept: string, appended: string): void {
  writeFileSync(`${path}.tmp`, kept + appended);
  renameSync(`${path}.tmp`, path);
}

describe('EventTail', () => {
  it('hands each line over once, waits for a line to be complete, and re-syncs after a cut that already grew past where it read', async () => {
    const path = join(root, 'a.jsonl');
    writeFileSync(path, line('trainBegin', 0) + line('step', 1) + line('step', 2) + '{"type":"st');
    const seen: TrainEvent[] = [];
    const tail = new EventTail(path, (e) => seen.push(e));
    await tail.poll();
    expect(steps(seen)).toEqual(['trainBegin:0', 'step:1', 'step:2']);
    // Back to step 1 (the checkpoint), then a new session's lines: longer than what was read before.
    cutAndRewrite(path, line('trainBegin', 0) + line('step', 1), line('trainBegin', 1) + line('step', 2) + line('step', 3) + line('step', 4));
    await tail.poll();
    expect(steps(seen)).toEqual(['trainBegin:0', 'step:1', 'step:2', 'trainBegin:1', 'step:2', 'step:3', 'step:4']);
    appendFileSync(path, line('step', 5));
    await tail.stop();
    expect(steps(seen).at(-1)).toBe('step:5');
  });

  it('with skipExisting hands over only what is written after it starts, even when the file is then cut back and rewritten', async () => {
    const path = join(root, 'b.jsonl');
    writeFileSync(path, line('trainBegin', 0) + line('step', 1) + line('step', 2));
    const seen: TrainEvent[] = [];
    const tail = new EventTail(path, (e) => seen.push(e));
    await tail.start({ everyMs: 10_000, skipExisting: true });
    cutAndRewrite(path, line('trainBegin', 0) + line('step', 1), line('trainBegin', 1) + line('step', 2));
    await tail.stop();
    expect(steps(seen)).toEqual(['trainBegin:1', 'step:2']);
  });
});
