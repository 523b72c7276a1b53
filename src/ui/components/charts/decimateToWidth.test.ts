import { describe, expect, it } from 'vitest';
import type { ChartPoint } from './chartLines.ts';
import { decimateToWidth } from './decimateToWidth.ts';

const series = (ys: number[]): ChartPoint[] => ys.map((y, x) => ({ x, y }));

describe('decimateToWidth', () => {
  it('keeps a series that already fits its columns whole', () => {
    const points = series([3, 1, 2, 5]);
    expect(decimateToWidth(points, 2)).toEqual(points);
  });

  it('keeps each column’s lowest and highest point, and the first and the last', () => {
    // 12 points on 3 columns of 4: [5 1 9 4] [2 2 8 0] [7 3 6 6]
    const out = decimateToWidth(series([5, 1, 9, 4, 2, 2, 8, 0, 7, 3, 6, 6]), 3);
    expect(out.map((p) => p.x)).toEqual([0, 1, 2, 6, 7, 8, 9, 11]);
  });

  it('keeps a one-point spike that an even pick would step over', () => {
    const ys = Array.from({ length: 10_000 }, () => 1);
    ys[4321] = 50;
    const out = decimateToWidth(series(ys), 100);
    expect(out.some((p) => p.y === 50)).toBe(true);
    expect(out.length).toBeLessThanOrEqual(2 * 100 + 2);
    expect(out.at(-1)).toEqual({ x: 9999, y: 1 });
  });

  it('spaces the columns evenly on a log x axis', () => {
    // x from 1e-6 to 1e0: on a log axis half the points sit below 1e-3, so they get half the columns.
    const points = Array.from({ length: 61 }, (_, i) => ({ x: 10 ** (-6 + i / 10), y: i % 2 }));
    const out = decimateToWidth(points, 6, true);
    expect(out.filter((p) => p.x < 1e-3).length).toBeGreaterThanOrEqual(5);
    expect(decimateToWidth(points, 6, false).filter((p) => p.x < 1e-3).length).toBeLessThan(4);
  });

  it('rejects a column count that is not a positive integer', () => {
    expect(() => decimateToWidth(series([1, 2, 3]), 0)).toThrow(/columns must be a positive integer, got 0/);
  });
});
