import { describe, expect, it } from 'vitest';
import { Rng } from '../util/rng.ts';
import type { SampleRef } from './sampleSource.ts';
import { splitSamples, type SplitIndices } from './splitSamples.ts';

const DEFAULT = { train: 0.7, val: 0.15, test: 0.15 };

/** `counts[c]` samples of class c; identity = person p for faces-like data. */
function makeRefs(counts: number[], perIdentity?: number): SampleRef[] {
  const refs: SampleRef[] = [];
  counts.forEach((n, c) => {
    for (let i = 0; i < n; i++) {
      refs.push({
        id: `class${c}/img${String(i).padStart(3, '0')}.png`,
        className: `class${c}`,
        ...(perIdentity ? { identity: `person${c}_${Math.floor(i / perIdentity)}` } : {}),
      });
    }
  });
  return refs;
}

const ids = (refs: SampleRef[], indices: number[]) => indices.map((i) => refs[i].id).sort();

function expectPartition(s: SplitIndices, n: number) {
  const all = [...s.train, ...s.val, ...s.test].sort((a, b) => a - b);
  expect(all).toEqual(Array.from({ length: n }, (_, i) => i));
}

describe('splitSamples (stratified)', () => {
  it('partitions the samples and cuts every class by the fractions', () => {
    const refs = makeRefs([100, 40, 20]);
    const s = splitSamples(refs, { ...DEFAULT, by: 'stratified' }, 42);
    expectPartition(s, refs.length);
    const perClass = (list: number[], c: string) => list.filter((i) => refs[i].className === c).length;
    expect([perClass(s.train, 'class0'), perClass(s.val, 'class0'), perClass(s.test, 'class0')]).toEqual([70, 15, 15]);
    expect([perClass(s.train, 'class1'), perClass(s.val, 'class1'), perClass(s.test, 'class1')]).toEqual([28, 6, 6]);
    expect([perClass(s.train, 'class2'), perClass(s.val, 'class2'), perClass(s.test, 'class2')]).toEqual([14, 3, 3]);
  });

  it('gives every class with 3+ samples one sample in each non-zero split', () => {
    const refs = makeRefs([3, 4, 5, 2, 1]);
    const s = splitSamples(refs, { ...DEFAULT, by: 'stratified' }, 7);
    expectPartition(s, refs.length);
    for (const c of ['class0', 'class1', 'class2']) {
      for (const list of [s.train, s.val, s.test]) expect(list.some((i) => refs[i].className === c)).toBe(true);
    }
    // Too small to share: they stay in train.
    expect(s.train.filter((i) => refs[i].className === 'class3')).toHaveLength(2);
    expect(s.train.filter((i) => refs[i].className === 'class4')).toHaveLength(1);
    const noTest = splitSamples(refs, { train: 0.8, val: 0.2, test: 0, by: 'stratified' }, 7);
    expect(noTest.test).toEqual([]);
  });

  it('is deterministic for a seed, differs across seeds, and ignores the listing order', () => {
    const refs = makeRefs([30, 30]);
    const split = { ...DEFAULT, by: 'stratified' as const };
    const a = splitSamples(refs, split, 1);
    expect(splitSamples(refs, split, 1)).toEqual(a);
    expect(ids(refs, splitSamples(refs, split, 2).val)).not.toEqual(ids(refs, a.val));
    const shuffled = new Rng(99).shuffle([...refs]);
    const b = splitSamples(shuffled, split, 1);
    expect(ids(shuffled, b.train)).toEqual(ids(refs, a.train));
    expect(ids(shuffled, b.val)).toEqual(ids(refs, a.val));
    expect(ids(shuffled, b.test)).toEqual(ids(refs, a.test));
  });

  it("leaves a class's split unchanged when another class is added", () => {
    const split = { ...DEFAULT, by: 'stratified' as const };
    const small = makeRefs([20]);
    const big = makeRefs([20, 13]);
    expect(ids(big, splitSamples(big, split, 5).val).filter((id) => id.startsWith('class0/'))).toEqual(ids(small, splitSamples(small, split, 5).val));
  });

  it('rejects fractions that do not sum to 1', () => {
    expect(() => splitSamples(makeRefs([5]), { train: 0.7, val: 0.2, test: 0.2, by: 'stratified' }, 0)).toThrow('sum to 1');
  });
});

describe('splitSamples (identity)', () => {
  it('never puts one identity in two splits, and cuts near the fractions by samples', () => {
    const refs = makeRefs([60, 60, 60, 60, 60], 10); // 30 identities of 10 images
    const s = splitSamples(refs, { ...DEFAULT, by: 'identity' }, 3);
    expectPartition(s, refs.length);
    const who = (list: number[]) => new Set(list.map((i) => refs[i].identity));
    const [tr, va, te] = [who(s.train), who(s.val), who(s.test)];
    for (const id of va) expect(tr.has(id) || te.has(id)).toBe(false);
    for (const id of te) expect(tr.has(id)).toBe(false);
    expect(s.train.length / refs.length).toBeCloseTo(0.7, 1);
    expect(s.val.length / refs.length).toBeCloseTo(0.15, 1);
    expect(s.test.length / refs.length).toBeCloseTo(0.15, 1);
  });

  it('falls back to the class as the identity and keeps one identity per split from 3 identities', () => {
    const refs = makeRefs([8, 1, 1]);
    const s = splitSamples(refs, { ...DEFAULT, by: 'identity' }, 11);
    expectPartition(s, refs.length);
    const classes = [s.train, s.val, s.test].map((l) => new Set(l.map((i) => refs[i].className)));
    expect(classes.every((c) => c.size === 1)).toBe(true);
    expect(new Set(classes.map((c) => [...c][0])).size).toBe(3);
  });

  it('is deterministic and independent of the listing order', () => {
    const refs = makeRefs([20, 20, 20], 5);
    const split = { ...DEFAULT, by: 'identity' as const };
    const a = splitSamples(refs, split, 8);
    const shuffled = new Rng(4).shuffle([...refs]);
    const b = splitSamples(shuffled, split, 8);
    expect(ids(shuffled, b.val)).toEqual(ids(refs, a.val));
    expect(ids(shuffled, b.test)).toEqual(ids(refs, a.test));
  });
});

describe('splitSamples with identities held out by name', () => {
  const people = (n: number, per: number): SampleRef[] =>
    Array.from({ length: n * per }, (_, i) => ({ id: `p${String(Math.floor(i / per)).padStart(2, '0')}/${i % per}.png`, className: `p${String(Math.floor(i / per)).padStart(2, '0')}` }));
  const identitiesIn = (refs: SampleRef[], indices: number[]) => [...new Set(indices.map((i) => refs[i].className))].sort();

  it('puts exactly the named identities in val and test, whatever the seed, and splits the rest by the other fractions', () => {
    const refs = people(20, 3);
    for (const seed of [1, 2, 3]) {
      const s = splitSamples(refs, { train: 0.7, val: 0.15, test: 0.15, by: 'identity', heldOut: { test: ['p03', 'p11'] } }, seed);
      expect(identitiesIn(refs, s.test)).toEqual(['p03', 'p11']);
      // The other 18 identities share train : val as 0.7 : 0.15, no identity in two splits.
      const train = identitiesIn(refs, s.train);
      const val = identitiesIn(refs, s.val);
      expect(train.length + val.length).toBe(18);
      expect(val.length).toBeGreaterThanOrEqual(1);
      expect(train.filter((p) => val.includes(p))).toEqual([]);
    }
    const both = splitSamples(refs, { train: 0.7, val: 0.15, test: 0.15, by: 'identity', heldOut: { val: ['p00'], test: ['p01', 'p02'] } }, 5);
    expect([identitiesIn(refs, both.val), identitiesIn(refs, both.test), both.train.length]).toEqual([['p00'], ['p01', 'p02'], 17 * 3]);
  });

  it('refuses a name the data lacks, listing what it has', () => {
    expect(() => splitSamples(people(3, 2), { train: 0.5, val: 0.25, test: 0.25, by: 'identity', heldOut: { test: ['bob'] } }, 1)).toThrow(
      'data.split.heldOut.test names "bob", which is not an identity of the data (3: p00, p01, p02)',
    );
  });
});
