import { describe, expect, it } from 'vitest';
import { parseRunSpec, type RunSpecInput } from '../../../core/spec/runSpec.ts';
import { schedulePreview } from './schedulePreview.ts';

const spec = (over: Partial<RunSpecInput>) =>
  parseRunSpec({
    version: 1,
    data: { source: { kind: 'memory' }, imageSize: 8 },
    model: { architecture: 'mlp', inputSize: 8 },
    task: { kind: 'classification' },
    loss: { type: 'crossEntropy' },
    optimizer: { type: 'sgd', lr: 0.1 },
    training: { epochs: 3, batchSize: 16 },
    ...over,
  });

describe('schedulePreview', () => {
  it('estimates steps per epoch from the train share of the dataset', () => {
    // 100 samples × 0.7 = 70 train samples; 70 >= 2 × 16 so the ragged batch is dropped: floor(70 / 16) = 4.
    const preview = schedulePreview(spec({ schedule: { type: 'step', stepSize: 1, gamma: 0.5 } }), 100);
    expect(preview.stepsPerEpoch).toBe(4);
    expect(preview.totalSteps).toBe(12);
    // StepLR per epoch: 0.1 for updates 1-4, 0.05 for 5-8, 0.025 for 9-12.
    expect(preview.points.map((p) => p.y)).toEqual([0.1, 0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.05, 0.025, 0.025, 0.025, 0.025]);
    expect(preview.points.map((p) => p.x)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  });

  it("counts exactly from the training samples a run loaded", () => {
    // 96 train samples in batches of 16: 6 updates an epoch, 18 over 3 epochs (against the estimate's 4 and 12 for 100 images).
    const preview = schedulePreview(spec({}), { trainSamples: 96 });
    expect(preview.stepsPerEpoch).toBe(6);
    expect(preview.totalSteps).toBe(18);
  });

  it('samples a long schedule down and keeps the last update', () => {
    const preview = schedulePreview(spec({ training: { epochs: 100, batchSize: 1 } }), 1000, 50);
    expect(preview.totalSteps).toBe(70_000);
    expect(preview.points.length).toBeLessThanOrEqual(51);
    expect(preview.points.at(-1)?.x).toBe(70_000);
  });
});
