import { describe, expect, it } from 'vitest';
import { parseRunSpec } from '../spec/runSpec.ts';
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
