import { describe, expect, it } from 'vitest';
import type { EpochEvent, StepEvent, TrainBeginEvent } from '../../../core/train/trainEvent.ts';
import { RunSeries } from '../../../store/runSeries.ts';
import { loggedMetrics, lossLines, lrLines, metricLine } from './runChartSeries.ts';

const memory = { numTensors: 1, numBytes: 4 };
const begin: TrainBeginEvent = {
  type: 'trainBegin', specHash: 'h', backend: 'cpu', epochs: 1, stepsPerEpoch: 3, totalSteps: 3, startEpoch: 0, startStep: 0,
  trainSamples: 12, valSamples: 4, classNames: ['a', 'b'], params: 10, time: 0,
};
// As the Trainer emits them with logEverySteps 1: `step` counts the updates done (1 after the first).
const step = (s: number): StepEvent => ({ type: 'step', epoch: 0, step: s, loss: 1 / s, metrics: { acc: 0.5 }, lr: 0.01 * s, samplesPerSec: 1, etaSec: 1, memory, time: s });
const epochEnd: EpochEvent = { type: 'epoch', epoch: 0, step: 3, metrics: { loss: 0.4, val_loss: 0.5 }, lr: 0.03, samplesPerSec: 1, durationSec: 1, etaSec: 0, memory, time: 4 };

describe('run chart series on the step axis', () => {
  const series = RunSeries.from([begin, step(1), step(2), step(3), epochEnd]);

  it('puts the first update at x = 1 (issue 25: the charts started at x = 2)', () => {
    const [train] = lossLines(series, 'step', '#000');
    expect(train.points.map((p) => p.x)).toEqual([1, 2, 3]);
    expect(lrLines(series, '#000')[0].points.map((p) => p.x)).toEqual([1, 2, 3]);
  });

  it("puts an epoch's validation point on its epoch's last update", () => {
    const [train, val] = lossLines(series, 'step', '#000');
    expect(val.points).toEqual([{ x: 3, y: 0.5 }]);
    expect(train.points.at(-1)?.x).toBe(val.points[0].x);
  });
});

describe('the Runs overlay on any logged metric', () => {
  const epochTwo: EpochEvent = { ...epochEnd, epoch: 1, step: 6, metrics: { loss: 0.3, acc: 0.8, val_loss: 0.45, val_acc: 0.75 }, lr: 0.06 };
  const series = RunSeries.from([begin, step(1), step(2), step(3), { ...epochEnd, metrics: { loss: 0.4, acc: 0.6, val_loss: 0.5, val_acc: 0.7 } }, step(4), step(5), step(6), epochTwo]);

  it('offers every metric the run logged: loss and accuracy first, validation beside them, the learning rate last', () => {
    expect(loggedMetrics([series, undefined])).toEqual(['loss', 'val_loss', 'acc', 'val_acc', 'lr']);
  });

  it('draws a per-step figure from the steps, and a validation metric from the epochs, on either axis', () => {
    expect(metricLine(series, 'lr', 'step', '#000', 'r')?.points.map((p) => p.y)).toEqual([0.01, 0.02, 0.03, 0.04, 0.05, 0.06]);
    expect(metricLine(series, 'acc', 'step', '#000', 'r')?.points).toHaveLength(6);
    expect(metricLine(series, 'val_acc', 'step', '#000', 'r')).toMatchObject({ kind: 'val', points: [{ x: 3, y: 0.7 }, { x: 6, y: 0.75 }] });
    expect(metricLine(series, 'val_acc', 'epoch', '#000', 'r')?.points).toEqual([{ x: 1, y: 0.7 }, { x: 2, y: 0.75 }]);
    expect(metricLine(series, 'acc', 'epoch', '#000', 'r')?.points).toEqual([{ x: 1, y: 0.6 }, { x: 2, y: 0.8 }]);
    expect(metricLine(series, 'lr', 'epoch', '#000', 'r')?.points).toEqual([{ x: 1, y: 0.03 }, { x: 2, y: 0.06 }]);
    expect(metricLine(series, 'val_eer', 'step', '#000', 'r')).toBeUndefined();
  });
});
