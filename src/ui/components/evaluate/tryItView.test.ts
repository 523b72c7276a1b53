import { describe, expect, it } from 'vitest';
import { confidenceBands } from '../../../core/metrics/index.ts';
import { bandOf, boxRect, centreSquare, nextRate, topClasses } from './tryItView.ts';

describe('tryItView', () => {
  it('lists the most probable classes first', () => {
    expect(topClasses([0.1, 0.6, 0.3], ['a', 'b', 'c'], 2)).toEqual([
      { name: 'b', p: 0.6, index: 1 },
      { name: 'c', p: 0.3, index: 2 },
    ]);
    expect(topClasses([0.5, 0.5], ['a', 'b'], 1)[0].name).toBe('a');
  });

  it('puts a confidence in the band the evaluation counts it in', () => {
    const t = { use: 0.9, caution: 0.7 };
    for (const p of [0.95, 0.9, 0.8, 0.7, 0.69, 0.2]) {
      const bands = confidenceBands([[p]], t);
      const expected = bands.use.count ? 'use' : bands.caution.count ? 'caution' : 'review';
      expect(bandOf(p, t)).toBe(expected);
    }
  });

  it('crops the centre square of a frame', () => {
    expect(centreSquare(640, 480)).toEqual({ sx: 80, sy: 0, side: 480 });
    expect(centreSquare(300, 401)).toEqual({ sx: 0, sy: 50, side: 300 });
  });

  it('draws a box in a square view, clamped to it', () => {
    expect(boxRect([0.25, 0.1, 0.75, 0.6], 100)).toEqual({ x: 25, y: 10, width: 50, height: 50 });
    expect(boxRect([-0.2, 0.5, 1.3, 0.9], 200)).toEqual({ x: 0, y: 100, width: 200, height: 80 });
    expect(boxRect([0.8, 0.8, 0.2, 0.2], 100)).toEqual({ x: 80, y: 80, width: 0, height: 0 });
    expect(boxRect([Number.NaN, 0, 0.5, 0.5], 10)).toEqual({ x: 0, y: 0, width: 5, height: 5 });
  });

  it('smooths the prediction rate', () => {
    expect(nextRate(undefined, 50)).toBe(20);
    // 10/s shown, then a 25 ms frame (40/s): 10 + 0.2 * 30.
    expect(nextRate(10, 25)).toBeCloseTo(16, 12);
    expect(nextRate(undefined, 0)).toBe(1000);
  });
});
