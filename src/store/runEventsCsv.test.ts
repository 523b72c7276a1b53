import { describe, expect, it } from 'vitest';
import type { EpochEvent, StepEvent, TrainEvent } from '../core/train/trainEvent.ts';
import { runEventsCsv } from './runEventsCsv.ts';

const memory = { numTensors: 1, numBytes: 4 };

function step(stepIndex: number, loss: number, metrics: Record<string, number>): StepEvent {
  return { type: 'step', epoch: 0, step: stepIndex, loss, metrics, lr: 0.01, samplesPerSec: 100, etaSec: 1, memory, time: stepIndex };
}

function epoch(epochIndex: number, stepIndex: number, metrics: Record<string, number>): EpochEvent {
  return { type: 'epoch', epoch: epochIndex, step: stepIndex, metrics, lr: 0.005, samplesPerSec: 90, durationSec: 2, etaSec: 0, memory, time: 10 };
}

describe('runEventsCsv', () => {
  it('writes step and epoch rows with every metric seen, in first-seen order', () => {
    const events: TrainEvent[] = [
      { type: 'checkpoint', epoch: 0, step: 0, kind: 'periodic', time: 0 },
      step(0, 1.5, { acc: 0.25 }),
      step(1, 1.25, { acc: 0.5, box_loss: 0.75 }),
      epoch(0, 1, { loss: 1.3, acc: 0.4, val_loss: 1.4, val_acc: 0.3 }),
      { type: 'trainEnd', reason: 'completed', message: 'done', epochsRun: 1, step: 2, time: 11 },
    ];
    expect(runEventsCsv(events)).toBe(
      [
        'type,epoch,step,loss,lr,acc,box_loss,val_loss,val_acc',
        'step,0,0,1.5,0.01,0.25,,,',
        'step,0,1,1.25,0.01,0.5,0.75,,',
        'epoch,0,1,1.3,0.005,0.4,,1.4,0.3',
        '',
      ].join('\n'),
    );
  });

  it('keeps NaN visible and quotes awkward metric names', () => {
    const csv = runEventsCsv([step(0, Number.NaN, { 'top,5': 1 })]);
    expect(csv).toBe('type,epoch,step,loss,lr,"top,5"\nstep,0,0,NaN,0.01,1\n');
  });

  it('writes only the header for a run with no series yet', () => {
    expect(runEventsCsv([])).toBe('type,epoch,step,loss,lr\n');
  });
});
