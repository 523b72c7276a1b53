import { describe, expect, it } from 'vitest';
import { chartLines, type ChartSeries } from './chartLines.ts';

const line = (key: string, points: [number, number][]): ChartSeries => ({
  key, label: key, color: '#000', kind: 'train', points: points.map(([x, y]) => ({ x, y })),
});
const ys = (s: ChartSeries) => s.points.map((p) => p.y);

describe('chartLines', () => {
  it('keeps short series as they are and counts what is drawn', () => {
    const { lines, drawn } = chartLines([line('loss', [[1, 3], [2, 2], [3, 1]]), line('val', [[3, 1.5]])], { smoothing: 0, log: false, maxPoints: 1000 });
    expect(ys(lines[0])).toEqual([3, 2, 1]);
    expect(lines[1].points).toEqual([{ x: 3, y: 1.5 }]);
    expect(drawn).toBe(4);
  });

  it('smooths before downsampling and keeps the last point', () => {
    // smoothing 0.5 over 1, 2, 3 gives 1, 5/3, 17/7 (see smoothSeries.test.ts)
    const { lines } = chartLines([line('a', [[0, 1], [1, 2], [2, 3]])], { smoothing: 0.5, log: false, maxPoints: 2 });
    expect(lines[0].points.map((p) => p.x)).toEqual([0, 2]);
    expect(lines[0].points[1].y).toBeCloseTo(17 / 7, 12);
  });

  it('smooths train lines only', () => {
    const val: ChartSeries = { ...line('v', [[0, 1], [1, 2], [2, 3]]), kind: 'val' };
    const { lines } = chartLines([line('t', [[0, 1], [1, 2], [2, 3]]), val], { smoothing: 0.5, log: false, maxPoints: 100 });
    expect(lines[0].points[1].y).toBeCloseTo(5 / 3, 12);
    expect(ys(lines[1])).toEqual([1, 2, 3]);
  });

  it('shares the point budget between series', () => {
    const long = Array.from({ length: 5000 }, (_, i): [number, number] => [i, i + 1]);
    const { drawn } = chartLines([line('a', long), line('b', long)], { smoothing: 0, log: false, maxPoints: 1000 });
    expect(drawn).toBe(1000);
  });

  it('leaves out points a log scale cannot draw, and non-finite ones', () => {
    const { lines, drawn } = chartLines([line('a', [[0, 0], [1, 0.1], [2, Number.NaN], [3, 10]])], { smoothing: 0, log: true, maxPoints: 100 });
    expect(lines[0].points.map((p) => p.x)).toEqual([1, 3]);
    expect(drawn).toBe(2);
    const onLogX = chartLines([line('a', [[0, 1], [0.001, 2]])], { smoothing: 0, log: false, logX: true, maxPoints: 100 });
    expect(onLogX.lines[0].points.map((p) => p.x)).toEqual([0.001]);
  });
});
