import { describe, expect, it } from 'vitest';
import type { TrainEvent } from '../core/train/trainEvent.ts';
import type { RunRepo } from '../storage/runRepo.ts';
import { RunEventWriter } from './runEventWriter.ts';

const memory = { numTensors: 0, numBytes: 0 };
const step = (n: number): TrainEvent => ({ type: 'step', epoch: 0, step: n, loss: 1, metrics: {}, lr: 0.1, samplesPerSec: 1, etaSec: 1, memory, time: n });
const epoch: TrainEvent = { type: 'epoch', epoch: 0, step: 3, metrics: {}, lr: 0.1, samplesPerSec: 1, durationSec: 1, etaSec: 0, memory, time: 4 };

/** A RunRepo stand-in that logs each write, and can be told to fail. */
function fakeRuns(failOn?: number) {
  const writes: string[] = [];
  const runs = {
    appendEvents: async (runId: string, events: TrainEvent[]) => {
      if (writes.length === failOn) throw new Error('the disk is full');
      writes.push(`${runId}: ${events.map((e) => (e.type === 'step' ? `step ${e.step}` : e.type)).join(', ')}`);
    },
  };
  return { runs: runs as unknown as RunRepo, writes };
}

describe('RunEventWriter', () => {
  it('writes events in one batch at an epoch end, and record updates after the events before them', async () => {
    const { runs, writes } = fakeRuns();
    const writer = new RunEventWriter(runs, 'r', 60_000);
    writer.add(step(1));
    writer.add(step(2));
    writer.then(async () => void writes.push('update'));
    writer.add(step(3));
    writer.add(epoch);
    await writer.settled();
    expect(writes).toEqual(['r: step 1, step 2', 'update', 'r: step 3, epoch']);
    writer.dispose();
  });

  it('writes what waits once the flush interval has passed', async () => {
    const { runs, writes } = fakeRuns();
    const writer = new RunEventWriter(runs, 'r', 10);
    writer.add(step(1));
    expect(writes).toEqual([]);
    await new Promise((r) => setTimeout(r, 40));
    expect(writes).toEqual(['r: step 1']);
    writer.dispose();
  });

  it('reports the first failed write and skips the later ones, so the stored events have no gap', async () => {
    const { runs, writes } = fakeRuns(1);
    const writer = new RunEventWriter(runs, 'r', 60_000);
    writer.add(epoch);
    writer.add(epoch);
    writer.add(epoch);
    await expect(writer.settled()).rejects.toThrow('the disk is full');
    expect(writes).toEqual(['r: epoch']);
    writer.dispose();
  });
});
