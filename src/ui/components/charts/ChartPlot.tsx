import { memo, useCallback, useMemo } from 'react';
import { CartesianGrid, Line, LineChart, ReferenceLine, Tooltip, XAxis, YAxis, type AxisDomain, type DotItemDotProps, type SyncMethod } from 'recharts';
import type { ChartSeries } from './chartLines.ts';
import type { ChartRow } from './chartTable.ts';
import { formatMetric } from '../common/formatMetric.ts';
import { logTicks } from './logTicks.ts';
import { nearestTickIndex } from './nearestTickIndex.ts';

export interface ChartPlotProps {
  /** Lines ready to draw (smoothed, filtered, decimated), and the same lines as one table. */
  lines: readonly ChartSeries[];
  rows: readonly ChartRow[];
  /** Keys of the lines the legend switched off. */
  hidden: ReadonlySet<string>;
  log: boolean;
  logX: boolean;
  /** What x counts, for the hover label ("step", "epoch", "lr"). */
  xName: string;
  marker?: { x: number; label: string };
  width: number;
  height: number;
  /**
   * Charts with the same id show their hover at the same x. recharts also syncs brushes by
   * row index between such charts, which is why the zoom brush lives in a chart of its own.
   */
  syncId?: string;
  /** Names the plot for screen readers. */
  title: string;
}

export const PLOT_MARGIN = { top: 8, right: 14, bottom: 0, left: 0 };
export const Y_AXIS_WIDTH = 56;
/** Markers on train lines only while they are sparse enough to read. */
const FEW_POINTS = 40;
const GRID = '#e6e9ed';
const MUTED = '#59636e';

/** The data's x range; a single x (the first step of a run) gets a range around it, which recharts would otherwise draw at NaN. */
const oneValueLinear: AxisDomain = ([min, max]) => (!Number.isFinite(min) || !Number.isFinite(max) ? [0, 1] : min < max ? [min, max] : [min - 1, max + 1]);
const oneValueLog: AxisDomain = ([min, max]) => (!Number.isFinite(min) || !Number.isFinite(max) ? [1e-6, 1] : min < max ? [min, max] : [min / 2, max * 2]);

/** Another chart's hover lands on this chart's row nearest the same x. */
const syncByNearestX: SyncMethod = (ticks, hovered) => nearestTickIndex(ticks, hovered.activeLabel);

/** A validation point: a hollow square, so train and validation read apart without colour. */
function SquareDot({ cx, cy, stroke }: DotItemDotProps) {
  if (typeof cx !== 'number' || typeof cy !== 'number') return null;
  return <rect x={cx - 3} y={cy - 3} width={6} height={6} fill="#ffffff" stroke={stroke} strokeWidth={1.5} />;
}

/** A train point, drawn while the line is short enough for points to read. */
function RoundDot({ cx, cy, stroke }: DotItemDotProps) {
  if (typeof cx !== 'number' || typeof cy !== 'number') return null;
  return <circle cx={cx} cy={cy} r={2} fill={stroke} />;
}

/*
 * Props recharts compares by identity: each one that changes between redraws is copied into
 * the chart's store again and recomputes what depends on it, so they are made once, here.
 */
const TICK = { fontSize: 11, fill: MUTED };
const ACTIVE_DOT = { r: 3 };
const TOOLTIP_STYLE = { fontSize: 12, padding: '4px 8px' };
const Y_DOMAIN = ['auto', 'auto'];
/*
 * Every tick the scale picks is drawn (about five a side): recharts' default thins them by
 * measuring each label in the DOM, a forced layout on every redraw of a live chart.
 */
const ALL_TICKS = 0;
const formatValue = (value: unknown) => formatMetric(Number(value));

/**
 * A line chart on recharts. Every line is a column of the same rows, so a hover reads each
 * line's value at one x; validation lines have values at epoch ends only and are drawn
 * across the gaps. Nothing animates (a live chart redraws every half second or so, and an
 * animation would keep the main thread busy between redraws), and `rows` has already been
 * decimated to the plot's pixel width, so a redraw costs the same at step 100 and step 100,000.
 */
export const ChartPlot = memo(function ChartPlot({ lines, rows, hidden, log, logX, xName, marker, width, height, syncId, title }: ChartPlotProps) {
  // A log axis gets its ticks from the studio (logTicks); recharts' own would label every 1–9 × 10^p.
  const xTicks = useMemo(() => (logX && rows.length > 0 ? logTicks(rows[0].x, rows[rows.length - 1].x) : undefined), [logX, rows]);
  const yTicks = useMemo(() => {
    if (!log) return undefined;
    const ys = lines.filter((l) => !hidden.has(l.key)).flatMap((l) => l.points.map((p) => p.y));
    return ys.length > 0 ? logTicks(Math.min(...ys), Math.max(...ys)) : undefined;
  }, [log, lines, hidden]);
  const formatLabel = useCallback((x: unknown) => `${xName} ${formatMetric(Number(x))}`, [xName]);
  const markerLabel = useMemo(() => marker && { value: marker.label, position: 'insideTopLeft' as const, ...TICK }, [marker]);
  return (
    <LineChart
      width={width}
      height={height}
      data={rows as ChartRow[]}
      margin={PLOT_MARGIN}
      syncId={syncId}
      syncMethod={syncByNearestX}
      accessibilityLayer
      title={title}
    >
      <CartesianGrid stroke={GRID} strokeDasharray="3 3" />
      <XAxis
        dataKey="x"
        type="number"
        domain={logX ? oneValueLog : oneValueLinear}
        ticks={xTicks}
        scale={logX ? 'log' : 'linear'}
        allowDecimals={xName !== 'step' && xName !== 'epoch'}
        tickFormatter={formatMetric}
        tick={TICK}
        stroke={MUTED}
        interval={ALL_TICKS}
      />
      <YAxis type="number" domain={log ? oneValueLog : Y_DOMAIN} ticks={yTicks} scale={log ? 'log' : 'linear'} tickFormatter={formatMetric} tick={TICK} stroke={MUTED} width={Y_AXIS_WIDTH} interval={ALL_TICKS} />
      <Tooltip
        isAnimationActive={false}
        formatter={formatValue}
        labelFormatter={formatLabel}
        contentStyle={TOOLTIP_STYLE}
      />
      {marker && <ReferenceLine x={marker.x} stroke="#0969da" strokeDasharray="2 2" label={markerLabel} />}
      {lines.map((l) => (
        <Line
          key={l.key}
          dataKey={l.key}
          name={l.label}
          stroke={l.color}
          strokeWidth={1.5}
          strokeDasharray={l.kind === 'val' ? '6 3' : undefined}
          dot={l.kind === 'val' ? SquareDot : l.points.length <= FEW_POINTS ? RoundDot : false}
          activeDot={ACTIVE_DOT}
          connectNulls
          hide={hidden.has(l.key)}
          isAnimationActive={false}
        />
      ))}
    </LineChart>
  );
});
