import { useId, useMemo } from 'react';
import { CartesianGrid, Line, LineChart, ReferenceDot, ReferenceLine, Tooltip, XAxis, YAxis, type TooltipContentProps } from 'recharts';
import type { NameType, ValueType } from 'recharts/types/component/DefaultTooltipContent';
import { downloadBlob } from '../../../store/downloadBlob.ts';
import type { ChartPoint } from '../charts/chartLines.ts';
import { chartCsv } from '../charts/chartCsv.ts';
import { PLOT_MARGIN, Y_AXIS_WIDTH } from '../charts/ChartPlot.tsx';
import { ChartSaveButtons } from '../charts/ChartSaveButtons.tsx';
import { saveChartPng } from '../charts/saveChartPng.ts';
import { useWidth } from '../charts/useWidth.ts';
import { decimateCurve } from './decimateCurve.ts';
import { formatPercent } from './formatPercent.ts';
import { formatThreshold } from './formatThreshold.ts';

/** A point of a ROC or DET curve: where it is drawn, the threshold behind it, and its two rates as measured. */
export interface CurvePoint extends ChartPoint {
  threshold: number;
  /** The rates on x and y; a DET point at a rate of 0 is drawn on the axis floor, but hovers and saves as 0. */
  rates: readonly [number, number];
}

export interface CurveAxis {
  /** Short name for the hover and the CSV column ("FAR"). */
  name: string;
  label: string;
}

export interface CurveChartProps {
  testId: string;
  title: string;
  fileName: string;
  /** Sorted by x; a step curve repeats x values, so it is drawn as a point list, not a table merged by x. */
  points: readonly CurvePoint[];
  /** The curve's legend label ("ROC, AUC 0.9731"). */
  label: string;
  x: CurveAxis;
  y: CurveAxis;
  /** Indices of points decimation must keep (the equal-error point). */
  keep: readonly number[];
  /** Where the page's threshold sits on the curve. */
  marker: ChartPoint;
  /** Log axes from `log.floor` to 1, with these ticks (DET); linear 0–1 otherwise. */
  log?: { floor: number; ticks: readonly number[]; format: (v: number) => string };
  /** The chance line from (0, 0) to (1, 1) (ROC). */
  diagonal?: boolean;
  /** A note drawn over the plot (DET: rates of 0 drawn on the floor). */
  note?: string;
  height?: number;
}

const COLOR = '#0969da';
const MARKER = '#cf222e';
const GRID = '#e6e9ed';
const MUTED = '#59636e';
const TICK = { fontSize: 11, fill: MUTED };
const TOOLTIP_STYLE = { fontSize: 12, padding: '4px 8px', background: '#ffffff', border: '1px solid #d0d7de' };
const UNIT_TICKS = [0, 0.25, 0.5, 0.75, 1];
const PX_PER_COLUMN = 2;
const percent = (v: number) => `${Math.round(v * 100)}%`;

/**
 * A ROC or DET curve on recharts: the curve as a list of points on a numeric x axis (a
 * step curve has several points at one x), decimated to the plot's width with the
 * equal-error point kept, a hover that names the threshold and both rates of the point,
 * the page's threshold as a dot, and CSV (every point, not the decimated ones) and PNG
 * downloads. `data-points` on the figure says how many points are drawn, `data-total` how many the curve has.
 */
export function CurveChart({ testId, title, fileName, points, label, x, y, keep, marker, log, diagonal = false, note, height = 260 }: CurveChartProps) {
  const id = useId();
  const [plotRef, width] = useWidth();
  const columns = Math.max(1, Math.floor((width - Y_AXIS_WIDTH - PLOT_MARGIN.left - PLOT_MARGIN.right) / PX_PER_COLUMN));
  const drawn = useMemo(() => decimateCurve(points, columns, keep, log !== undefined), [points, columns, keep, log]);
  const domain = useMemo(() => (log ? [log.floor, 1] : [0, 1]), [log]);
  const ticks = log ? [...log.ticks] : UNIT_TICKS;
  const format = log?.format ?? percent;

  const saveCsv = () => {
    // One row per threshold (a curve's thresholds are distinct), so repeated rates stay apart.
    const byThreshold = (axis: 0 | 1, name: string) => ({ key: name, label: name, color: COLOR, kind: 'train' as const, points: points.map((p) => ({ x: p.threshold, y: p.rates[axis] })) });
    downloadBlob(new Blob([chartCsv('threshold', [byThreshold(0, x.name), byThreshold(1, y.name)])], { type: 'text/csv' }), `${fileName}.csv`);
  };
  const savePng = () => saveChartPng(plotRef.current, title, [{ label, color: COLOR, dashed: false }], fileName);
  const hover = ({ active, payload }: TooltipContentProps<ValueType, NameType>) => {
    const point = active ? (payload[0]?.payload as CurvePoint | undefined) : undefined;
    if (!point) return null;
    return (
      <div style={TOOLTIP_STYLE} data-testid={`${testId}.tooltip`}>
        <div>threshold {Number.isFinite(point.threshold) ? formatThreshold(point.threshold) : 'none (accept nothing)'}</div>
        <div>
          {x.name} {formatPercent(point.rates[0], 2)}
        </div>
        <div>
          {y.name} {formatPercent(point.rates[1], 2)}
        </div>
      </div>
    );
  };

  return (
    <figure className="chart" data-testid={testId} data-points={drawn.length} data-total={points.length} aria-labelledby={`${id}-title`}>
      <figcaption className="chart-head">
        <span id={`${id}-title`} className="chart-title">
          {title}
        </span>
        <span className="chart-tools">
          <ChartSaveButtons testId={testId} what={title} onCsv={saveCsv} onPng={savePng} />
        </span>
      </figcaption>
      <div ref={plotRef} className="chart-plot" style={{ height }}>
        {width > 0 && (
          <LineChart width={width} height={height} data={drawn} margin={{ ...PLOT_MARGIN, bottom: 18 }} accessibilityLayer title={title}>
            <CartesianGrid stroke={GRID} strokeDasharray="3 3" />
            <XAxis
              dataKey="x"
              type="number"
              domain={domain}
              scale={log ? 'log' : 'linear'}
              allowDataOverflow
              ticks={ticks}
              interval={0}
              tickFormatter={format}
              tick={TICK}
              stroke={MUTED}
              label={{ value: x.label, position: 'insideBottom', offset: -12, ...TICK }}
            />
            <YAxis
              type="number"
              domain={domain}
              scale={log ? 'log' : 'linear'}
              allowDataOverflow
              ticks={ticks}
              interval={0}
              tickFormatter={format}
              tick={TICK}
              stroke={MUTED}
              width={Y_AXIS_WIDTH}
              label={{ value: y.label, angle: -90, position: 'insideLeft', offset: 8, dy: 50, ...TICK }}
            />
            {diagonal && (
              <ReferenceLine
                segment={[
                  { x: 0, y: 0 },
                  { x: 1, y: 1 },
                ]}
                stroke={MUTED}
                strokeDasharray="4 4"
              />
            )}
            <Tooltip isAnimationActive={false} content={hover} />
            <Line dataKey="y" name={label} type="linear" stroke={COLOR} strokeWidth={1.5} dot={false} activeDot={{ r: 3 }} isAnimationActive={false} />
            <ReferenceDot x={marker.x} y={marker.y} r={5} fill={MARKER} stroke="#ffffff" strokeWidth={1.5} ifOverflow="extendDomain" label={{ value: 'threshold', position: 'right', fontSize: 10, fill: MARKER }} />
          </LineChart>
        )}
      </div>
      <ul className="chart-legend" aria-label={`${title}: lines`}>
        <li>
          <svg width="26" height="10" aria-hidden="true">
            <line x1="1" y1="5" x2="25" y2="5" stroke={COLOR} strokeWidth="1.5" />
          </svg>
          {label}
        </li>
        {note && <li className="chart-note">{note}</li>}
      </ul>
    </figure>
  );
}
