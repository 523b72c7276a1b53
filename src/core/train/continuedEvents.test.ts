import { describe, expect, it } from 'vitest';
import { continuedEvents } from './continuedEvents.ts';
import type { TrainEvent } from './trainEvent.ts';

const begin = (startEpoch: number, startStep: number): TrainEvent => ({
  type: 'trainBegin', specHash: 'h', backend: 'cpu', epochs: 3, stepsPerEpoch: 2, totalSteps: 6, startEpoch, startStep,
  trainSamples: 8, valSamples: 2, classNames: ['a'], params: 1, time: 0,
});
const memory = { numTensors: 0, numBytes: 0 };
const step = (epoch: number, s: number): TrainEvent => ({ type: 'step', epoch, step: s, loss: 1, metrics: {}, lr: 0.1, samplesPerSec: 1, etaSec: 0, memory, time: 0 });
const epoch = (e: number, s: number): TrainEvent => ({ type: 'epoch', epoch: e, step: s, metrics: {}, lr: 0.1, samplesPerSec: 1, durationSec: 1, etaSec: 0, memory, time: 0 });

describe('continuedEvents', () => {
  it('drops what a killed session logged past the checkpoint the next session resumed from', () => {
    // Session 1: epoch 0 (steps 0,1) checkpointed at step 2, then step 2 of epoch 1 and death.
    const log = [begin(0, 0), step(0, 0), step(0, 1), epoch(0, 2), step(1, 2), begin(1, 2), step(1, 2), step(1, 3), epoch(1, 4)];
    const kept = continuedEvents(log);
    expect(kept.map((e) => `${e.type}:${'step' in e ? e.step : ''}`)).toEqual([
      'trainBegin:', 'step:0', 'step:1', 'epoch:2', 'trainBegin:', 'step:2', 'step:3', 'epoch:4',
    ]);
  });

  it('leaves a log without resumes as it is', () => {
    const log = [begin(0, 0), step(0, 0), epoch(0, 1)];
    expect(continuedEvents(log)).toEqual(log);
  });
});
