import { describe, expect, it } from 'vitest';
import type { ChartSeries } from './chartLines.ts';
import { chartTable } from './chartTable.ts';

const line = (key: string, kind: ChartSeries['kind'], points: [number, number][]): ChartSeries => ({
  key, label: key, color: '#000', kind, points: points.map(([x, y]) => ({ x, y })),
});

describe('chartTable', () => {
  it('merges the lines into one row per distinct x, sorted, leaving out what a line lacks', () => {
    const rows = chartTable([line('train', 'train', [[2, 0.9], [1, 1.2], [3, 0.7]]), line('val', 'val', [[3, 0.8], [0.5, 1.5]])]);
    expect(rows).toEqual([{ x: 0.5, val: 1.5 }, { x: 1, train: 1.2 }, { x: 2, train: 0.9 }, { x: 3, train: 0.7, val: 0.8 }]);
  });

  it('gives no rows for no points', () => {
    expect(chartTable([line('a', 'train', [])])).toEqual([]);
  });
});
