import { describe, expect, it } from 'vitest';
import type { ChartSeries } from './chartLines.ts';
import { chartCsv } from './chartCsv.ts';

const line = (key: string, label: string, points: [number, number][]): ChartSeries => ({
  key, label, color: '#000', kind: 'train', points: points.map(([x, y]) => ({ x, y })),
});

describe('chartCsv', () => {
  it('heads the columns with x and the legend labels and writes one row per x, empty where a line has no value', () => {
    const csv = chartCsv('step', [line('t', 'train loss', [[1, 0.5], [2, 0.25]]), line('v', 'val loss', [[2, 0.3]])]);
    expect(csv).toBe('step,train loss,val loss\n1,0.5,\n2,0.25,0.3\n');
  });

  it('writes values in full, not as the axis rounds them', () => {
    expect(chartCsv('lr', [line('a', 'loss', [[0.000123456789, 1 / 3]])]).split('\n')[1]).toBe('0.000123456789,0.3333333333333333');
  });

  it('quotes a label holding a comma or a quote', () => {
    expect(chartCsv('epoch', [line('a', 'run "b", val_acc', [[1, 1]])]).split('\n')[0]).toBe('epoch,"run ""b"", val_acc"');
  });
});
