import { decimateToWidth } from './decimateToWidth.ts';
import { smoothSeries } from './smoothSeries.ts';

export interface ChartPoint {
  x: number;
  y: number;
}

/** One line on a chart. `kind` decides its look: val lines are dashed with square markers. */
export interface ChartSeries {
  /** Unique within the chart. */
  key: string;
  label: string;
  color: string;
  kind: 'train' | 'val';
  points: readonly ChartPoint[];
}

export interface ChartLinesOptions {
  /** TensorBoard smoothing weight in [0, 1). */
  smoothing: number;
  /** Log y scale: points at or below zero cannot be drawn and are left out. */
  log: boolean;
  /** Log x scale (the LR finder's sweep): the same for x. */
  logX?: boolean;
  /** Pixel columns of the plot: each series is decimated to what they can show. */
  columns: number;
  /** The x range zoomed to: only its points are kept, decimated to the whole plot's width. */
  range?: readonly [number, number];
}

/**
 * What a chart draws: every train series smoothed on its full length (so a curve keeps its
 * shape however it is sampled), cleared of points the scales cannot show, and decimated to
 * the plot's pixel columns (over the zoomed x range, if any, so zooming in shows the detail
 * that decimation left out of the whole run). Validation series are not smoothed: each point is already a
 * whole epoch's mean, and an EMA over a handful of them would lag the truth by epochs.
 * `drawn` counts the points that end up on screen.
 */
export function chartLines(series: readonly ChartSeries[], options: ChartLinesOptions): { lines: ChartSeries[]; drawn: number } {
  let drawn = 0;
  const lines = series.map((s) => {
    const ys = smoothSeries(
      s.points.map((p) => p.y),
      s.kind === 'train' ? options.smoothing : 0,
    );
    const points = s.points
      .map((p, i) => ({ x: p.x, y: ys[i] }))
      .filter((p) => Number.isFinite(p.y) && Number.isFinite(p.x) && (!options.log || p.y > 0) && (!options.logX || p.x > 0))
      .filter((p) => !options.range || (p.x >= options.range[0] && p.x <= options.range[1]));
    const kept = decimateToWidth(points, options.columns, options.logX);
    drawn += kept.length;
    return { ...s, points: kept };
  });
  return { lines, drawn };
}
