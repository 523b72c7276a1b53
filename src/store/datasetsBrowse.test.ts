import { describe, expect, it } from 'vitest';
import type { SampleRecord } from '../storage/storageRecords.ts';
import { countSamples, defaultSplitRule, describeSplitRule, filterSamples, nextSelection, sampleSplits } from './datasetsBrowse.ts';

const sample = (id: string, className: string, identity?: string): SampleRecord => ({
  datasetId: 'd',
  id,
  hash: id,
  name: `${className}/${id}.png`,
  className,
  ...(identity ? { identity } : {}),
  width: 8,
  height: 8,
  addedAt: 0,
});

describe('default split rule', () => {
  it('follows the schema defaults and splits identities apart when samples carry them', () => {
    // runSpec.ts: split defaults 0.7 / 0.15 / 0.15 with by "auto", training.seed 42.
    expect(defaultSplitRule([sample('a', 'x')])).toEqual({ train: 0.7, val: 0.15, test: 0.15, seed: 42, by: 'stratified' });
    expect(defaultSplitRule([sample('a', 'x', 'p1')]).by).toBe('identity');
    expect(describeSplitRule(defaultSplitRule([]))).toMatch(/70 \/ 15 \/ 15 %, seed 42, stratified by class/);
  });

  it('never puts one identity in two splits', () => {
    const samples = Array.from({ length: 40 }, (_, i) => sample(`s${i}`, `id_${i % 8}`, `id_${i % 8}`));
    const splits = sampleSplits(samples, defaultSplitRule(samples));
    const where = new Map<string, Set<string>>();
    for (const s of samples) where.set(s.identity!, (where.get(s.identity!) ?? new Set()).add(splits.get(s.id)!));
    for (const set of where.values()) expect(set.size).toBe(1);
    expect(new Set(splits.values())).toEqual(new Set(['train', 'val', 'test']));
  });
});

describe('filters and counts', () => {
  const samples = [sample('a', 'cat'), sample('b', 'cat'), sample('c', 'dog')];
  const splits = new Map([
    ['a', 'train'],
    ['b', 'val'],
    ['c', 'train'],
  ] as const);

  it('filters by class and split together', () => {
    expect(filterSamples(samples, splits, { className: 'cat' }).map((s) => s.id)).toEqual(['a', 'b']);
    expect(filterSamples(samples, splits, { split: 'train' }).map((s) => s.id)).toEqual(['a', 'c']);
    expect(filterSamples(samples, splits, { className: 'cat', split: 'train' }).map((s) => s.id)).toEqual(['a']);
    expect(filterSamples(samples, splits, {})).toHaveLength(3);
  });

  it('counts per class and per split', () => {
    const counts = countSamples(samples, splits);
    expect(counts.byClass).toEqual([
      ['cat', 2],
      ['dog', 1],
    ]);
    expect(counts.bySplit).toEqual({ train: 2, val: 1, test: 0 });
    expect(counts.byClassSplit.get('cat')).toEqual({ train: 1, val: 1, test: 0 });
  });
});

describe('selection clicks', () => {
  const ids = ['a', 'b', 'c', 'd', 'e'];
  const plain = { range: false, toggle: false };

  it('selects one on a plain click and a range with shift', () => {
    const one = nextSelection(new Set(['x']), undefined, 'b', ids, plain);
    expect([...one.selection]).toEqual(['b']);
    const range = nextSelection(one.selection, one.anchor, 'd', ids, { range: true, toggle: false });
    expect([...range.selection].sort()).toEqual(['b', 'c', 'd']);
    // Shift upwards from the same anchor replaces the range.
    const up = nextSelection(range.selection, range.anchor, 'a', ids, { range: true, toggle: false });
    expect([...up.selection].sort()).toEqual(['a', 'b']);
  });

  it('toggles with ctrl, and adds a range with ctrl+shift', () => {
    const t = nextSelection(new Set(['a']), 'a', 'c', ids, { range: false, toggle: true });
    expect([...t.selection].sort()).toEqual(['a', 'c']);
    const off = nextSelection(t.selection, t.anchor, 'a', ids, { range: false, toggle: true });
    expect([...off.selection]).toEqual(['c']);
    const add = nextSelection(new Set(['a']), 'c', 'e', ids, { range: true, toggle: true });
    expect([...add.selection].sort()).toEqual(['a', 'c', 'd', 'e']);
  });

  it('treats shift without an anchor in view as a plain click', () => {
    expect([...nextSelection(new Set(), 'gone', 'c', ids, { range: true, toggle: false }).selection]).toEqual(['c']);
  });
});
