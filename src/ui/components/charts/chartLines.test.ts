import { describe, expect, it } from 'vitest';
import { chartLines, type ChartSeries } from './chartLines.ts';

const line = (key: string, points: [number, number][]): ChartSeries => ({
  key, label: key, color: '#000', kind: 'train', points: points.map(([x, y]) => ({ x, y })),
});
const ys = (s: ChartSeries) => s.points.map((p) => p.y);

describe('chartLines', () => {
  it('keeps short series as they are and counts what is drawn', () => {
    const { lines, drawn } = chartLines([line('loss', [[1, 3], [2, 2], [3, 1]]), line('val', [[3, 1.5]])], { smoothing: 0, log: false, columns: 500 });
    expect(ys(lines[0])).toEqual([3, 2, 1]);
    expect(lines[1].points).toEqual([{ x: 3, y: 1.5 }]);
    expect(drawn).toBe(4);
  });

  it('smooths before decimating and keeps the last point', () => {
    // smoothing 0.5 over 1, 2, 3, 4, 5 gives 1, 5/3, 17/7, 49/15, 129/31 (the debiased EMA of smoothSeries.ts)
    const { lines } = chartLines([line('a', [[0, 1], [1, 2], [2, 3], [3, 4], [4, 5]])], { smoothing: 0.5, log: false, columns: 1 });
    expect(lines[0].points.map((p) => p.x)).toEqual([0, 4]);
    expect(lines[0].points[1].y).toBeCloseTo(129 / 31, 12);
  });

  it('smooths train lines only', () => {
    const val: ChartSeries = { ...line('v', [[0, 1], [1, 2], [2, 3]]), kind: 'val' };
    const { lines } = chartLines([line('t', [[0, 1], [1, 2], [2, 3]]), val], { smoothing: 0.5, log: false, columns: 50 });
    expect(lines[0].points[1].y).toBeCloseTo(5 / 3, 12);
    expect(ys(lines[1])).toEqual([1, 2, 3]);
  });

  it('decimates each series to the plot’s pixel columns, however long the run', () => {
    const long = Array.from({ length: 50_000 }, (_, i): [number, number] => [i, Math.sin(i)]);
    const { lines, drawn } = chartLines([line('a', long), line('b', long.slice(0, 100))], { smoothing: 0, log: false, columns: 300 });
    expect(lines[0].points.length).toBeLessThanOrEqual(2 * 300 + 2);
    expect(lines[0].points.at(-1)?.x).toBe(49_999);
    expect(lines[1].points).toHaveLength(100);
    expect(drawn).toBe(lines[0].points.length + 100);
  });

  it('keeps a zoomed range only, smoothed as on the whole run and decimated to the full width', () => {
    const long = Array.from({ length: 10_000 }, (_, i): [number, number] => [i, i % 7]);
    const whole = chartLines([line('a', long)], { smoothing: 0.5, log: false, columns: 50 });
    const zoomed = chartLines([line('a', long)], { smoothing: 0.5, log: false, columns: 50, range: [1000, 1999] });
    const xs = zoomed.lines[0].points.map((p) => p.x);
    expect(Math.min(...xs)).toBe(1000);
    expect(Math.max(...xs)).toBe(1999);
    expect(whole.lines[0].points.filter((p) => p.x >= 1000 && p.x <= 1999).length).toBeLessThan(20);
    expect(zoomed.drawn).toBeGreaterThan(80);
    // The EMA ran over the points before the range: the first kept value is not the raw one.
    expect(zoomed.lines[0].points[0].y).not.toBe(1000 % 7);
  });

  it('leaves out points a log scale cannot draw, and non-finite ones', () => {
    const { lines, drawn } = chartLines([line('a', [[0, 0], [1, 0.1], [2, Number.NaN], [3, 10]])], { smoothing: 0, log: true, columns: 50 });
    expect(lines[0].points.map((p) => p.x)).toEqual([1, 3]);
    expect(drawn).toBe(2);
    const onLogX = chartLines([line('a', [[0, 1], [0.001, 2]])], { smoothing: 0, log: false, logX: true, columns: 50 });
    expect(onLogX.lines[0].points.map((p) => p.x)).toEqual([0.001]);
  });
});
