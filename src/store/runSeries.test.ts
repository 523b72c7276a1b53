import { describe, expect, it } from 'vitest';
import type { EpochEvent, StepEvent, TrainBeginEvent, TrainEvent } from '../core/train/trainEvent.ts';
import { RunSeries } from './runSeries.ts';

const memory = { numTensors: 1, numBytes: 4 };
const step = (epoch: number, s: number): StepEvent => ({ type: 'step', epoch, step: s, loss: 1 / (s + 1), metrics: {}, lr: 0.1, samplesPerSec: 1, etaSec: 1, memory, time: s });
const epochEnd = (epoch: number, s: number): EpochEvent => ({ type: 'epoch', epoch, step: s, metrics: { loss: 1, val_loss: 1 }, lr: 0.1, samplesPerSec: 1, durationSec: 1, etaSec: 1, memory, time: s });
const begin = (startEpoch: number, startStep: number): TrainBeginEvent => ({
  type: 'trainBegin', specHash: 'h', backend: 'cpu', epochs: 3, stepsPerEpoch: 2, totalSteps: 6, startEpoch, startStep,
  trainSamples: 4, valSamples: 2, classNames: ['a', 'b'], params: 10, time: 0,
});

/** Two epochs of two steps each, then two steps into epoch 3: what a run had when a reload cut it off. */
const firstSession: TrainEvent[] = [begin(0, 0), step(0, 0), step(0, 1), epochEnd(0, 2), step(1, 2), step(1, 3), epochEnd(1, 4), step(2, 4), step(2, 5)];

describe('RunSeries', () => {
  it('appends steps and epochs in place and counts every change', () => {
    const series = new RunSeries();
    series.add(begin(0, 0));
    const steps = series.steps;
    series.add(step(0, 0));
    series.add(step(0, 1));
    series.add(epochEnd(0, 2));
    expect(series.steps).toBe(steps);
    expect(series.steps.map((e) => e.step)).toEqual([0, 1]);
    expect(series.epochs.map((e) => e.epoch)).toEqual([0]);
    expect(series.version).toBe(4);
    expect(series.lastStep?.step).toBe(1);
  });

  it('drops what came after the checkpoint when a resumed session begins', () => {
    // The checkpoint after epoch 2 (2 epochs done, step 4): steps 4 and 5 are replayed.
    const series = RunSeries.from([...firstSession, begin(2, 4), step(2, 4)]);
    expect(series.steps.map((e) => e.step)).toEqual([0, 1, 2, 3, 4]);
    expect(series.epochs.map((e) => e.epoch)).toEqual([0, 1]);
    expect(series.begin?.startEpoch).toBe(2);
  });

  it('starts over when a run without a checkpoint restarts', () => {
    const series = RunSeries.from([...firstSession, begin(0, 0)]);
    expect(series.steps).toEqual([]);
    expect(series.epochs).toEqual([]);
  });

  it('keeps the end of the run and forgets it when the run resumes', () => {
    const series = RunSeries.from([...firstSession, { type: 'trainEnd', reason: 'stopped', message: 'stopped', epochsRun: 2, step: 6, time: 9 }]);
    expect(series.end?.reason).toBe('stopped');
    series.add(begin(2, 4));
    expect(series.end).toBeUndefined();
  });
});
