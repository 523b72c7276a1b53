import { describe, expect, it } from 'vitest';
import type { RunSpecInput } from '../../../core/spec/runSpec.ts';
import { draftForDataset } from './draftForDataset.ts';

/** The draft issue 25 met: the shapes demo's, with its horizontal flip, about to train on scanned digits. */
const shapesDraft = {
  version: 1,
  name: 'shapes-demo',
  data: {
    source: { kind: 'indexeddb', datasetId: 'shapes-id', version: 'v1' },
    imageSize: 32,
    augmentation: { flip: { horizontal: true, p: 0.5 }, rotation: { degrees: 10 }, randomResizedCrop: { scale: [0.6, 1] }, colorJitter: { brightness: 0.2 }, mixup: { alpha: 0.3 } },
  },
  model: { architecture: 'smallCnn', inputSize: 32 },
  task: { kind: 'classification' },
  loss: { type: 'crossEntropy' },
  optimizer: { type: 'adam', lr: 0.003 },
  training: { epochs: 4, batchSize: 16 },
} as RunSpecInput;
const digits = { id: 'digits-id', name: 'Scanned digits (8×8)', version: 'abc123' };

describe('draftForDataset', () => {
  it("names the run after the new dataset and clears the augmentations that assume the old data's symmetries", () => {
    const { spec, changed } = draftForDataset(shapesDraft, digits);
    expect(spec.name).toBe('scanned-digits-8x8-smallCnn');
    expect(spec.data?.source).toEqual({ kind: 'indexeddb', datasetId: 'digits-id', version: 'abc123' });
    // A flipped or rotated digit can be another digit: the user turns on what the new images allow.
    // Mixup mixes labels, not geometry, so it stays.
    expect(spec.data?.augmentation).toEqual({ mixup: { alpha: 0.3 } });
    expect(changed).toEqual(['name', 'horizontal flip', 'rotation', 'random resized crop', 'colour jitter']);
    // Everything else is the draft as it was.
    expect({ ...spec, name: shapesDraft.name, data: shapesDraft.data }).toEqual(shapesDraft);
  });

  it('keeps the name and augmentations when the same dataset is chosen again (a new version of it)', () => {
    const { spec, changed } = draftForDataset(shapesDraft, { id: 'shapes-id', name: 'shapes', version: 'v2' });
    expect(spec.name).toBe('shapes-demo');
    expect(spec.data?.augmentation).toEqual(shapesDraft.data?.augmentation);
    expect(spec.data?.source).toEqual({ kind: 'indexeddb', datasetId: 'shapes-id', version: 'v2' });
    expect(changed).toEqual([]);
  });

  it('clears the dataset without touching the rest when none is chosen', () => {
    const { spec, changed } = draftForDataset(shapesDraft, undefined);
    expect(spec.data?.source).toEqual({ kind: 'indexeddb', datasetId: '' });
    expect(spec.name).toBe('shapes-demo');
    expect(changed).toEqual([]);
  });

  it('gives a plain name when the dataset name has no letters or digits', () => {
    expect(draftForDataset(shapesDraft, { id: 'x', name: '★★★', version: 'v' }).spec.name).toBe('dataset-smallCnn');
  });
});
