import type { ChartPoint } from './chartLines.ts';

/**
 * What a line can show on `columns` pixel columns: for each column the lowest and the
 * highest point that falls in it (in their order along x), plus the first and the last
 * point of the series (the newest value is the one people watch). Keeping both extremes
 * keeps a loss spike visible where an even pick would step over it, and the line costs the
 * same to draw however long the run. Points must be sorted by x; with `logX` the columns
 * are even on a log axis (the LR finder's sweep).
 */
export function decimateToWidth(points: readonly ChartPoint[], columns: number, logX = false): ChartPoint[] {
  if (!Number.isInteger(columns) || columns < 1) throw new Error(`decimateToWidth: columns must be a positive integer, got ${columns}`);
  const n = points.length;
  if (n <= 2 * columns) return points.slice();
  const at = logX ? (p: ChartPoint) => Math.log10(p.x) : (p: ChartPoint) => p.x;
  const x0 = at(points[0]);
  const span = at(points[n - 1]) - x0;
  const keep = new Uint8Array(n);
  keep[0] = 1;
  keep[n - 1] = 1;
  let column = -1;
  let lo = 0;
  let hi = 0;
  for (let i = 0; i < n; i++) {
    const c = span > 0 ? Math.min(columns - 1, Math.floor(((at(points[i]) - x0) / span) * columns)) : 0;
    if (c !== column) {
      if (column >= 0) keep[lo] = keep[hi] = 1;
      column = c;
      lo = hi = i;
    } else {
      if (points[i].y < points[lo].y) lo = i;
      if (points[i].y > points[hi].y) hi = i;
    }
  }
  keep[lo] = keep[hi] = 1;
  return points.filter((_, i) => keep[i] === 1);
}
