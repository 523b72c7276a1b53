import { describe, expect, it } from 'vitest';
import { downsampleSeries } from './downsampleSeries.ts';

describe('downsampleSeries', () => {
  it('keeps a short series whole', () => {
    expect(downsampleSeries([1, 2, 3], 5)).toEqual([1, 2, 3]);
  });

  it('picks evenly spaced points and keeps the first and the last', () => {
    const points = Array.from({ length: 11 }, (_, i) => i);
    // indices round(i * 10 / 4) for i = 0..4: 0, 2.5 -> 3, 5, 7.5 -> 8, 10
    expect(downsampleSeries(points, 5)).toEqual([0, 3, 5, 8, 10]);
  });

  it('never exceeds max on a long series', () => {
    const points = Array.from({ length: 100_003 }, (_, i) => i);
    const out = downsampleSeries(points, 1000);
    expect(out).toHaveLength(1000);
    expect(out.at(-1)).toBe(100_002);
    expect(out.every((v, i) => i === 0 || v > out[i - 1])).toBe(true);
  });

  it('rejects a max below 2', () => {
    expect(() => downsampleSeries([1, 2, 3], 1)).toThrow(/max must be an integer >= 2, got 1/);
  });
});
