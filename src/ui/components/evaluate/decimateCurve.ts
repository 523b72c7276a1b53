import type { ChartPoint } from '../charts/chartLines.ts';
import { decimateToWidth } from '../charts/decimateToWidth.ts';

/**
 * A ROC or DET curve cut to what `columns` pixel columns can show (decimateToWidth: each
 * column's lowest and highest point, and both endpoints), plus the points at `keep` (the
 * equal-error point), which the page names and must stay on the line where it is drawn.
 * Points must be sorted by x; they come back in their order, the same objects, so each keeps
 * its threshold for the hover. With `logX` the columns are even on a log axis (DET).
 */
export function decimateCurve<P extends ChartPoint>(points: readonly P[], columns: number, keep: readonly number[] = [], logX = false): P[] {
  const kept = new Set<ChartPoint>(decimateToWidth(points, columns, logX));
  const pinned = new Set(keep);
  return points.filter((p, i) => kept.has(p) || pinned.has(i));
}
