import { describe, expect, it } from 'vitest';
import { smoothSeries } from './smoothSeries.ts';

// Reference values computed by hand from TensorBoard's resmoothDataset
// (last = last·w + (1−w)·y; smoothed = last / (1 − w^n), n = finite points so far).
describe('smoothSeries', () => {
  it('debiases the EMA so the first point is the value itself', () => {
    // w = 0.5, y = 1, 2, 3:
    //   last = 0.5            -> 0.5 / 0.5    = 1
    //   last = 0.25 + 1 = 1.25 -> 1.25 / 0.75  = 5/3
    //   last = 0.625 + 1.5 = 2.125 -> 2.125 / 0.875 = 17/7
    const out = smoothSeries([1, 2, 3], 0.5);
    expect(out[0]).toBeCloseTo(1, 12);
    expect(out[1]).toBeCloseTo(5 / 3, 12);
    expect(out[2]).toBeCloseTo(17 / 7, 12);
  });

  it('smooths harder with a larger weight', () => {
    // w = 0.9, y = 10, 0: last = 1 -> 1 / 0.1 = 10; last = 0.9 -> 0.9 / 0.19 = 90/19
    const out = smoothSeries([10, 0], 0.9);
    expect(out[0]).toBeCloseTo(10, 12);
    expect(out[1]).toBeCloseTo(90 / 19, 12);
  });

  it('passes non-finite values through without feeding them into the average', () => {
    // w = 0.5, y = 2, NaN, 4: 2; NaN; last = 1 -> 0.5 + 2 = 2.5, n = 2 -> 2.5 / 0.75 = 10/3
    const out = smoothSeries([2, Number.NaN, 4], 0.5);
    expect(out[0]).toBeCloseTo(2, 12);
    expect(out[1]).toBeNaN();
    expect(out[2]).toBeCloseTo(10 / 3, 12);
  });

  it('leaves a series alone at weight 0 and a constant series at any weight', () => {
    expect(smoothSeries([3, 1, 2], 0)).toEqual([3, 1, 2]);
    expect(smoothSeries([0.1, 0.1, 0.1], 0.99)).toEqual([0.1, 0.1, 0.1]);
  });

  it('rejects a weight outside [0, 1)', () => {
    expect(() => smoothSeries([1], 1)).toThrow(/weight must be in \[0, 1\), got 1/);
    expect(() => smoothSeries([1], -0.1)).toThrow(/got -0.1/);
  });
});
