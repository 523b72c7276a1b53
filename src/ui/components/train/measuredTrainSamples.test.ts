import { describe, expect, it } from 'vitest';
import { parseRunSpec, type RunSpecInput } from '../../../core/spec/runSpec.ts';
import type { TrainBeginEvent } from '../../../core/train/trainEvent.ts';
import { measuredTrainSamples } from './measuredTrainSamples.ts';

const input: RunSpecInput = {
  version: 1,
  name: 'digits',
  data: { source: { kind: 'indexeddb', datasetId: 'd', version: 'v1' }, imageSize: 8 },
  model: { architecture: 'smallCnn', inputSize: 8 },
  task: { kind: 'classification' },
  loss: { type: 'crossEntropy' },
  optimizer: { type: 'adam', lr: 0.001 },
  training: { epochs: 10, batchSize: 32, seed: 1 },
};
const begin = { trainSamples: 1257 } as TrainBeginEvent;
const run = { spec: parseRunSpec(input) };

describe('measuredTrainSamples', () => {
  it("takes the run's loaded count when the draft trains on the same data, split the same way", () => {
    // Hyperparameters that do not change the split (lr, epochs, batch, name) do not matter.
    const draft = parseRunSpec({ ...input, name: 'other', optimizer: { type: 'sgd', lr: 0.1 }, training: { epochs: 3, batchSize: 8, seed: 1 } });
    expect(measuredTrainSamples(draft, run, begin)).toBe(1257);
  });

  it('is unknown for another dataset version, another split or seed, or before the run loaded its data', () => {
    const other = (over: Partial<RunSpecInput>) => measuredTrainSamples(parseRunSpec({ ...input, ...over }), run, begin);
    expect(other({ data: { ...input.data!, source: { kind: 'indexeddb', datasetId: 'd', version: 'v2' } } })).toBeUndefined();
    expect(other({ data: { ...input.data!, split: { train: 0.8, val: 0.1, test: 0.1 } } })).toBeUndefined();
    expect(other({ training: { ...input.training!, seed: 2 } })).toBeUndefined();
    expect(measuredTrainSamples(run.spec, run, undefined)).toBeUndefined();
  });
});
