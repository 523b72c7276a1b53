import { describe, expect, it } from 'vitest';
import { histogram } from './histogram.ts';

const edges = (lo: number, hi: number, bins: number) => Array.from({ length: bins + 1 }, (_, i) => lo + ((hi - lo) * i) / bins);

describe('histogram', () => {
  it('bins as numpy.histogram does, the top edge inside the last bin', () => {
    // numpy 1.24 (Debian): np.histogram(v, bins=np.linspace(-1, 1, 41)) and np.linspace(0, 1, 21).
    const cosine = histogram([-1, -0.97, -0.5, 0, 0.3, 0.31, 0.999, 1], edges(-1, 1, 40));
    const expected = new Array<number>(40).fill(0);
    Object.assign(expected, { 0: 2, 10: 1, 20: 1, 25: 1, 26: 1, 39: 2 });
    expect(cosine).toEqual(expected);
    const iou = histogram([0, 0.02, 0.5, 0.51, 0.97, 1], edges(0, 1, 20));
    expect(iou).toEqual([2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 2]);
  });

  it('counts values past the ends in the end bins, where numpy would drop them', () => {
    // A cosine of two float32 unit vectors can come out as 1.0000001.
    expect(histogram([1.0000001, -1.0000001, 7], edges(-1, 1, 4))).toEqual([1, 0, 0, 2]);
  });

  it('refuses what it cannot count', () => {
    expect(() => histogram([0.5, Number.NaN], edges(0, 1, 2))).toThrow('value 1 is NaN');
    expect(() => histogram([0.5], [0])).toThrow('at least 2 edges, got 1');
  });
});
