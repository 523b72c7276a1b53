import { describe, expect, it } from 'vitest';
import { hashString } from '../core/util/stableHash.ts';
import type { SampleRecord } from './storageRecords.ts';
import { summarizeSamples } from './summarizeSamples.ts';

const sample = (id: string, className: string, extra: Partial<SampleRecord> = {}): SampleRecord => ({
  datasetId: 'd', id, hash: `h${id}`, name: `${className}/${id}.png`, className, width: 1, height: 1, addedAt: 0, ...extra,
});

describe('summarizeSamples', () => {
  it('hashes [hash, class, identity, box] in id order, written out as the canonical JSON text', () => {
    const summary = summarizeSamples([sample('b', 'dog', { bbox: [0, 0, 1, 1] }), sample('a', 'cat', { identity: 'p1' })]);
    expect(summary.version).toBe(hashString('[["ha","cat","p1",null],["hb","dog",null,[0,0,1,1]]]'));
    expect(summary).toMatchObject({ sampleCount: 2, boxCount: 1, classCounts: { cat: 1, dog: 1 } });
  });

  it('ignores names, times and dataset, and counts classes with awkward names as their own', () => {
    const one = summarizeSamples([sample('a', '__proto__'), sample('b', 'constructor')]);
    const renamed = summarizeSamples([sample('b', 'constructor', { name: 'x', addedAt: 9 }), sample('a', '__proto__', { datasetId: 'other' })]);
    expect(renamed.version).toBe(one.version);
    expect(Object.keys(one.classCounts).sort()).toEqual(['__proto__', 'constructor']);
    expect(one.classCounts.constructor).toBe(1);
  });
});
