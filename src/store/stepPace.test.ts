import { describe, expect, it } from 'vitest';
import type { StepEvent } from '../core/train/trainEvent.ts';
import { StepPace } from './stepPace.ts';

const memory = { numTensors: 1, numBytes: 4 };
/** A step event as the Trainer emits it: `step` counts the updates done, `time` is the worker's clock in ms. */
const at = (epoch: number, step: number, timeMs: number): StepEvent => ({ type: 'step', epoch, step, loss: 1, metrics: {}, lr: 0.1, samplesPerSec: 1, etaSec: 0, memory, time: timeMs });

describe('StepPace', () => {
  it('gives no ETA from the first window alone: it holds the warm-up (kernel compilation, first batches)', () => {
    const pace = new StepPace();
    pace.add(at(0, 10, 9_000));
    expect(pace.etaSec(at(0, 10, 9_000), 100, 1)).toBeUndefined();
  });

  it('is remaining steps times the mean step time, and holds steady when windows alternate fast and slow', () => {
    // The run: windows of 10 steps taking 1 s, 3 s, 1 s, 3 s... The Trainer's own per-window ETA
    // swings 3x between them; the pace settles on the mean, 0.2 s a step.
    const pace = new StepPace();
    let t = 0;
    const etas: number[] = [];
    pace.add(at(0, 0, t));
    for (let i = 1; i <= 30; i++) {
      t += i % 2 ? 1000 : 3000;
      const e = at(0, i * 10, t);
      pace.add(e);
      const eta = pace.etaSec(e, 1000, 1);
      if (eta !== undefined) etas.push(eta);
    }
    // After the first ten windows (a plain mean) each window moves the pace by a tenth of its
    // difference from it: 0.1 s off the 0.2 s mean moves it by at most 5 %.
    expect(etas[9]).toBeCloseTo((1000 - 100) * 0.2, 6);
    const late = etas.slice(10).map((eta, i) => eta / ((1000 - (i + 11) * 10) * 0.2));
    for (const ratio of late) expect(Math.abs(ratio - 1)).toBeLessThanOrEqual(0.05 + 1e-9);
  });

  it('adds the time each epoch boundary costs (validation, checkpoint) for every epoch still to end', () => {
    const pace = new StepPace();
    // 10 steps an epoch at 0.1 s a step; each boundary adds 2 s of validation.
    let t = 0;
    let last = at(0, 0, 0);
    pace.add(last);
    for (let step = 1; step <= 25; step++) {
      t += 100 + (step % 10 === 1 && step > 1 ? 2000 : 0);
      last = at(Math.floor((step - 1) / 10), step, t);
      pace.add(last);
    }
    // Step 25 is in the third epoch (index 2) of 5: 75 steps and three epoch ends (its own, the 4th's and the 5th's) to go.
    expect(last.epoch).toBe(2);
    expect(pace.etaSec(last, 100, 5)).toBeCloseTo(75 * 0.1 + 3 * 2, 6);
  });

  it('is not thrown off by a pause: a gap far beyond the pace counts as at most four times the pace', () => {
    const pace = new StepPace();
    let t = 0;
    pace.add(at(0, 0, 0));
    for (let i = 1; i <= 20; i++) pace.add(at(0, i, (t += 100)));
    const before = pace.etaSec(at(0, 20, t), 1000, 1)!;
    // Paused for ten minutes between two windows.
    const after = at(0, 21, t + 600_000);
    pace.add(after);
    const eta = pace.etaSec(after, 1000, 1)!;
    expect(before).toBeCloseTo(980 * 0.1, 6);
    // One clamped sample of 0.4 s through the 0.1 smoothing: 0.13 s a step.
    expect(eta).toBeCloseTo(979 * (0.9 * 0.1 + 0.1 * 0.4), 6);
  });

  it('starts over when a session restarts (a resumed run has a new worker clock)', () => {
    const pace = new StepPace();
    pace.add(at(0, 0, 0));
    pace.add(at(0, 10, 1000));
    pace.restart();
    pace.add(at(1, 20, 5));
    expect(pace.etaSec(at(1, 20, 5), 100, 3)).toBeUndefined();
    pace.add(at(1, 30, 2005));
    expect(pace.etaSec(at(1, 30, 2005), 100, 3)).toBeCloseTo(70 * 0.2, 6);
  });
});
