import { useId, useMemo, useState } from 'react';
import { Bar, BarChart, CartesianGrid, ReferenceLine, Tooltip, XAxis, YAxis, type TooltipContentProps } from 'recharts';
import type { NameType, ValueType } from 'recharts/types/component/DefaultTooltipContent';
import { downloadBlob } from '../../../store/downloadBlob.ts';
import { chartCsv } from '../charts/chartCsv.ts';
import { PLOT_MARGIN, Y_AXIS_WIDTH } from '../charts/ChartPlot.tsx';
import { ChartSaveButtons } from '../charts/ChartSaveButtons.tsx';
import { saveChartPng } from '../charts/saveChartPng.ts';
import { toggleHidden } from '../charts/toggleHidden.ts';
import { useWidth } from '../charts/useWidth.ts';

/** One set of counts over the chart's bins. */
export interface HistogramSeries {
  key: string;
  label: string;
  color: string;
  counts: readonly number[];
}

export interface HistogramChartProps {
  testId: string;
  title: string;
  fileName: string;
  /** Bin edges: one more than each series' counts. */
  edges: readonly number[];
  series: readonly HistogramSeries[];
  /** What is binned, for the axis, the hover and the CSV ("cosine similarity"). */
  xName: string;
  /** What is counted, for the y axis ("pairs"). */
  yName: string;
  /** A dashed vertical line (the page's threshold). */
  threshold?: number;
  /** Decimals of the bin edges in the hover and the ticks. */
  digits: number;
  height?: number;
}

interface BinRow {
  x: number;
  low: number;
  high: number;
  [seriesKey: string]: number;
}

const GRID = '#e6e9ed';
const MUTED = '#59636e';
const TICK = { fontSize: 11, fill: MUTED };
const TOOLTIP_STYLE = { fontSize: 12, padding: '4px 8px', background: '#ffffff', border: '1px solid #d0d7de' };

/**
 * A histogram on recharts (the similarity and IoU histograms): a bar per bin and series at
 * the bin's centre, a hover that names the bin's range and each series' count there, a
 * legend whose entries switch a series off and on, the page's threshold as a dashed line,
 * and CSV (one row per bin, from its lower edge) and PNG downloads.
 */
export function HistogramChart({ testId, title, fileName, edges, series, xName, yName, threshold, digits, height = 260 }: HistogramChartProps) {
  const id = useId();
  const [plotRef, width] = useWidth();
  const [hidden, setHidden] = useState<ReadonlySet<string>>(new Set());
  const rows = useMemo<BinRow[]>(
    () =>
      edges.slice(0, -1).map((low, i) => {
        const row: BinRow = { x: (low + edges[i + 1]) / 2, low, high: edges[i + 1] };
        for (const s of series) row[s.key] = s.counts[i];
        return row;
      }),
    [edges, series],
  );
  const domain = useMemo(() => [edges[0], edges[edges.length - 1]], [edges]);
  const format = (v: number) => v.toFixed(digits);

  const saveCsv = () => {
    const lines = series.map((s) => ({ key: s.key, label: s.label, color: s.color, kind: 'train' as const, points: rows.map((r) => ({ x: r.low, y: r[s.key] })) }));
    downloadBlob(new Blob([chartCsv(`${xName} from`, lines)], { type: 'text/csv' }), `${fileName}.csv`);
  };
  const savePng = () => {
    const legend = series.filter((s) => !hidden.has(s.key)).map((s) => ({ label: s.label, color: s.color, dashed: false }));
    saveChartPng(plotRef.current, title, legend, fileName);
  };
  const hover = ({ active, payload }: TooltipContentProps<ValueType, NameType>) => {
    const row = active ? (payload[0]?.payload as BinRow | undefined) : undefined;
    if (!row) return null;
    return (
      <div style={TOOLTIP_STYLE} data-testid={`${testId}.tooltip`}>
        <div>
          {xName} {format(row.low)}–{format(row.high)}
        </div>
        {series
          .filter((s) => !hidden.has(s.key))
          .map((s) => (
            <div key={s.key} style={{ color: s.color }}>
              {s.label}: {row[s.key]}
            </div>
          ))}
      </div>
    );
  };

  return (
    <figure className="chart" data-testid={testId} data-bins={rows.length} aria-labelledby={`${id}-title`}>
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
          <BarChart width={width} height={height} data={rows} margin={{ ...PLOT_MARGIN, bottom: 18 }} barGap={0} barCategoryGap={1} accessibilityLayer title={title}>
            <CartesianGrid stroke={GRID} strokeDasharray="3 3" />
            <XAxis
              dataKey="x"
              type="number"
              domain={domain}
              tickFormatter={format}
              tick={TICK}
              stroke={MUTED}
              label={{ value: xName, position: 'insideBottom', offset: -12, ...TICK }}
            />
            <YAxis type="number" allowDecimals={false} tick={TICK} stroke={MUTED} width={Y_AXIS_WIDTH} label={{ value: yName, angle: -90, position: 'insideLeft', offset: 8, ...TICK }} />
            <Tooltip isAnimationActive={false} content={hover} />
            {series.map((s) => (
              <Bar key={s.key} dataKey={s.key} name={s.label} fill={s.color} fillOpacity={0.7} hide={hidden.has(s.key)} isAnimationActive={false} />
            ))}
            {threshold !== undefined && <ReferenceLine x={threshold} stroke="#1f2328" strokeWidth={1.5} strokeDasharray="5 3" ifOverflow="hidden" />}
          </BarChart>
        )}
      </div>
      <ul className="chart-legend" aria-label={`${title}: series`}>
        {series.map((s) => (
          <li key={s.key}>
            <button type="button" className="chart-legend-entry" aria-pressed={!hidden.has(s.key)} title={hidden.has(s.key) ? 'Show these bars' : 'Hide these bars'} onClick={() => setHidden((h) => toggleHidden(h, s.key))}>
              <svg width="12" height="10" aria-hidden="true">
                <rect x="1" y="1" width="10" height="8" fill={s.color} fillOpacity={0.7} />
              </svg>
              {s.label}
            </button>
          </li>
        ))}
      </ul>
    </figure>
  );
}
