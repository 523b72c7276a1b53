import { describe, expect, it } from 'vitest';
import { tinyRunSpec } from '../../../test/tinyRunSpec.ts';
import { syntheticSource } from '../data/syntheticSource.ts';
import { parseRunSpec, type RunSpecInput } from '../spec/runSpec.ts';
import type { Checkpoint } from '../train/checkpoint.ts';
import { evaluateCheckpoint } from '../train/evaluateCheckpoint.ts';
import { prepareData } from '../train/prepareData.ts';
import type { CheckpointKind } from '../train/trainEvent.ts';
import { Trainer } from '../train/trainer.ts';
import { restoredEpoch } from './restoredEpoch.ts';

const shapesDemo = {
  version: 1,
  name: 'stops-early',
  data: { source: { kind: 'synthetic', generator: 'shapes', classes: 3, perClass: 24 }, imageSize: 32, channels: 3 },
  model: { architecture: 'smallCnn', width: 0.5, inputSize: 32 },
  task: { kind: 'classification' },
  loss: { type: 'crossEntropy' },
  optimizer: { type: 'adam', lr: 0.003 },
  training: { epochs: 4, batchSize: 16, seed: 7 },
} as const;
const withStopping = (restoreBestWeights: boolean) =>
  parseRunSpec({
    ...shapesDemo,
    training: { ...shapesDemo.training, epochs: 10, earlyStopping: { monitor: 'val_loss', mode: 'min', patience: 4, restoreBestWeights } },
  });
/** What Trainer.snapshot stores: early-stopping state with the 0-based best epoch. */
const final = (epoch: number, bestEpoch: number) => ({ epoch, earlyStoppingState: { early: { best: 0.4, bestEpoch, wait: 4 }, best: { best: 0.4, bestEpoch, wait: 4 } } });

describe('restoredEpoch', () => {
  it('names the epoch early stopping restored (issue 27: weights of epoch 1, the run ended at epoch 5)', () => {
    expect(restoredEpoch(withStopping(true), final(5, 0), 'final')).toBe(1);
  });

  it('is undefined where the checkpoint holds its own epoch’s weights', () => {
    const spec = withStopping(true);
    expect(restoredEpoch(withStopping(false), final(5, 0), 'final')).toBeUndefined();
    expect(restoredEpoch(spec, final(10, 3), 'final')).toBeUndefined();
    expect(restoredEpoch(spec, final(5, 0), 'best')).toBeUndefined();
    expect(restoredEpoch(spec, final(5, 0), 'last')).toBeUndefined();
    expect(restoredEpoch(spec, final(5, 4), 'final')).toBeUndefined();
    expect(restoredEpoch(spec, { epoch: 5, earlyStoppingState: undefined }, 'final')).toBeUndefined();
    expect(restoredEpoch(spec, { epoch: 5, earlyStoppingState: { early: { bestEpoch: 'x' } } }, 'final')).toBeUndefined();
    expect(restoredEpoch(parseRunSpec(shapesDemo), final(1, 0), 'final')).toBeUndefined();
  });
});

describe('restoredEpoch on a real early-stopped run', () => {
  it('names the epoch the Trainer restored, and evaluateCheckpoint puts it in the report', async () => {
    const input = {
      ...tinyRunSpec(8),
      optimizer: { type: 'sgd', lr: 1e-9 },
      training: { epochs: 8, batchSize: 4, seed: 5, earlyStopping: { monitor: 'val_loss', patience: 1, minDelta: 1 } },
    } as RunSpecInput;
    const spec = parseRunSpec(input);
    const data = await prepareData(syntheticSource({ generator: 'shapes', classes: 3, perClass: 6, imageSize: 8, seed: 11 }), spec);
    const saved: Partial<Record<CheckpointKind, Checkpoint>> = {};
    const trainer = new Trainer({ spec, data, backend: 'cpu', saveCheckpoint: async (ckpt, kind) => void (saved[kind] = ckpt) });
    try {
      const end = await trainer.fit();
      // The Trainer's own words: epoch 1's weights restored, the run over after epoch 2.
      expect(end.message).toContain('restored the weights of epoch 1');
      const final = saved.final;
      if (!final) throw new Error('the run saved no final checkpoint');
      expect(final.epoch).toBe(2);
      expect(restoredEpoch(spec, final, 'final')).toBe(1);
      const report = await evaluateCheckpoint({ spec, checkpoint: final, data, split: 'test', meta: { runId: 'r', runName: 'r', backend: 'cpu', slot: 'final' } });
      expect(report.meta.checkpoint).toEqual({ slot: 'final', epoch: 2, step: final.step, restoredEpoch: 1 });
    } finally {
      trainer.dispose();
      data.cache.dispose?.();
    }
  });
});
