import { describe, expect, it } from 'vitest';
import { parseRunSpec } from '../../../core/spec/runSpec.ts';
import type { EpochEvent, StepEvent, TrainBeginEvent, TrainEndEvent, TrainEvent } from '../../../core/train/trainEvent.ts';
import type { RunRecord } from '../../../storage/storageRecords.ts';
import { RunSeries } from '../../../store/runSeries.ts';
import { runProgressFigures } from './runProgressFigures.ts';

const memory = { numTensors: 1, numBytes: 4 };
const spec = parseRunSpec({
  version: 1,
  name: 'p',
  data: { source: { kind: 'synthetic', generator: 'shapes', classes: 3, perClass: 4 }, imageSize: 8, channels: 3 },
  model: { architecture: 'smallCnn', inputSize: 8 },
  task: { kind: 'classification' },
  loss: { type: 'crossEntropy' },
  optimizer: { type: 'adam', lr: 0.001 },
  training: { epochs: 2, batchSize: 4 },
});
const begin: TrainBeginEvent = {
  type: 'trainBegin', specHash: 'h', backend: 'cpu', epochs: 2, stepsPerEpoch: 3, totalSteps: 6, startEpoch: 0, startStep: 0,
  trainSamples: 12, valSamples: 4, classNames: ['a', 'b', 'c'], params: 10, time: 0,
};
/**
 * Events exactly as the Trainer emits them (src/core/train/trainer.ts): `step` is the number of
 * updates done once the window's last update is applied, `epoch` the 0-based epoch it ran in.
 * Each window took `seconds`, and the Trainer's own etaSec is from that window alone.
 */
function stepsOf(epoch: number, from: number, to: number, start: number, seconds: (i: number) => number): StepEvent[] {
  const out: StepEvent[] = [];
  let time = start;
  for (let step = from; step <= to; step++) {
    const s = seconds(step);
    time += s * 1000;
    out.push({ type: 'step', epoch, step, loss: 1, metrics: {}, lr: 0.1, samplesPerSec: 4 / s, etaSec: (6 - step) * s, memory, time });
  }
  return out;
}
const epochEnd = (epoch: number, step: number, time: number): EpochEvent => ({ type: 'epoch', epoch, step, metrics: { loss: 1 }, lr: 0.1, samplesPerSec: 4, durationSec: 3, etaSec: 0, memory, time });
const end: TrainEndEvent = { type: 'trainEnd', reason: 'completed', message: 'trained 2 epochs', epochsRun: 2, step: 6, time: 7000 };
const record = (status: RunRecord['status'], epochsDone: number, step: number) => ({ status, spec, epochsDone, step, totalSteps: 6 });

describe('runProgressFigures', () => {
  it('a completed run stands at its last epoch and step, never past them (issue 25: "epoch 9 / 10 · step 391 / 390")', () => {
    const events: TrainEvent[] = [begin, ...stepsOf(0, 1, 3, 0, () => 1), epochEnd(0, 3, 3000), ...stepsOf(1, 4, 6, 3000, () => 1), epochEnd(1, 6, 6000), end];
    const figures = runProgressFigures(record('completed', 2, 6), RunSeries.from(events));
    expect(figures).toEqual({ fraction: 1, text: 'epoch 2 / 2 · step 6 / 6' });
  });

  it('a running run counts the epoch it is in and the updates done', () => {
    const events: TrainEvent[] = [begin, ...stepsOf(0, 1, 3, 0, () => 1), epochEnd(0, 3, 3000), ...stepsOf(1, 4, 4, 3000, () => 1)];
    const figures = runProgressFigures(record('running', 1, 4), RunSeries.from(events));
    expect(figures.text).toMatch(/^epoch 2 \/ 2 · step 4 \/ 6 · ETA /);
    expect(figures.fraction).toBeCloseTo(4 / 6, 10);
  });

  it('an interrupted run with no live series reads its record', () => {
    expect(runProgressFigures(record('interrupted', 1, 4), undefined)).toEqual({ fraction: 4 / 6, text: 'epoch 2 / 2 · step 4 / 6' });
  });

  it('the ETA holds steady when windows alternate fast and slow, where the per-window figure jumps', () => {
    const long = { ...begin, epochs: 1, stepsPerEpoch: 400, totalSteps: 400 };
    const one = parseRunSpec({ ...spec, training: { ...spec.training, epochs: 1 } });
    const steps = stepsOf(0, 1, 40, 0, (i) => (i % 2 ? 1 : 3));
    const series = RunSeries.from([long]);
    const etas: string[] = [];
    for (const e of steps) {
      series.add(e);
      etas.push(runProgressFigures({ status: 'running', spec: one, epochsDone: 0, step: e.step, totalSteps: 400 }, series).text.split(' · ETA ')[1]);
    }
    // Steps take 2 s on average: at step 30, 370 left, about 12 min 20 s — never the 6 or 18 min of one window.
    expect(etas[29]).toMatch(/^1[12] min/);
    const minutes = etas.slice(10).map((t) => Number(t.split(' min')[0]));
    expect(Math.max(...minutes) - Math.min(...minutes)).toBeLessThanOrEqual(2);
  });

  it('says the ETA is being estimated until a window after the warm-up has been timed', () => {
    const series = RunSeries.from([begin, ...stepsOf(0, 1, 1, 0, () => 30)]);
    expect(runProgressFigures(record('running', 0, 1), series).text).toBe('epoch 1 / 2 · step 1 / 6 · ETA estimating…');
  });
});
