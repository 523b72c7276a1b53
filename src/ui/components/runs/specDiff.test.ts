import { describe, expect, it } from 'vitest';
import { flattenSpec, specDiff } from './specDiff.ts';

describe('flattenSpec', () => {
  it('flattens nested objects to dotted paths and keeps arrays whole', () => {
    const flat = flattenSpec({ optimizer: { type: 'sgd', lr: 0.1 }, schedule: { milestones: [3, 6] }, skip: undefined });
    expect([...flat.entries()]).toEqual([
      ['optimizer.type', 'sgd'],
      ['optimizer.lr', '0.1'],
      ['schedule.milestones', '[3,6]'],
    ]);
  });
});

describe('specDiff', () => {
  it('lists only the fields that differ, with a blank for a field one run lacks', () => {
    const a = { name: 'a', optimizer: { type: 'adam', lr: 0.001 }, training: { epochs: 10, batchSize: 32 } };
    const b = { name: 'b', optimizer: { type: 'adam', lr: 0.003 }, training: { epochs: 10, batchSize: 32, clipNorm: 1 } };
    expect(specDiff([a, b])).toEqual([
      { path: 'optimizer.lr', values: ['0.001', '0.003'] },
      { path: 'training.clipNorm', values: ['', '1'] },
    ]);
  });

  it('is empty for identical specs', () => {
    expect(specDiff([{ x: { y: 1 } }, { x: { y: 1 } }])).toEqual([]);
  });
});
