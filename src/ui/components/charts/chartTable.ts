import type { ChartSeries } from './chartLines.ts';

/** One x value of a chart and each series' value there (absent where the series has none). */
export interface ChartRow {
  x: number;
  [seriesKey: string]: number;
}

/**
 * The lines of a chart as one table, one row per distinct x in increasing order: the shape
 * recharts reads (every line a column of the same rows, so one hover finds every line's
 * value at that x) and the rows of the chart's CSV.
 */
export function chartTable(lines: readonly ChartSeries[]): ChartRow[] {
  const rows = new Map<number, ChartRow>();
  for (const line of lines) {
    for (const p of line.points) {
      let row = rows.get(p.x);
      if (!row) rows.set(p.x, (row = { x: p.x }));
      row[line.key] = p.y;
    }
  }
  return [...rows.values()].sort((a, b) => a.x - b.x);
}
