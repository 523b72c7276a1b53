import { describe, expect, it } from 'vitest';
import { confidenceBands } from '../../core/metrics/index.ts';
import { bandOf, centreSquare, topClasses } from './tryItView.ts';

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
});
