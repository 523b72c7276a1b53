import { useId, useMemo } from 'react';
import { Bar, BarChart, CartesianGrid, ReferenceLine, Tooltip, XAxis, YAxis, type TooltipContentProps } from 'recharts';
import type { NameType, ValueType } from 'recharts/types/component/DefaultTooltipContent';
import type { CalibrationBin, ExpectedCalibrationError } from '../../../core/metrics/index.ts';
import { CHART_COLORS } from '../../../report/svgFrame.ts';
import { downloadBlob } from '../../../store/downloadBlob.ts';
import { chartCsv } from '../charts/chartCsv.ts';
import { PLOT_MARGIN, Y_AXIS_WIDTH } from '../charts/ChartPlot.tsx';
import { ChartSaveButtons } from '../charts/ChartSaveButtons.tsx';
import { saveChartPng } from '../charts/saveChartPng.ts';
import { useWidth } from '../charts/useWidth.ts';
import { formatPercent } from './formatPercent.ts';

type BinRow = CalibrationBin & { x: number };

const GRID = '#e6e9ed';
const MUTED = '#59636e';
const TICK = { fontSize: 11, fill: MUTED };
const TOOLTIP_STYLE = { fontSize: 12, padding: '4px 8px', background: '#ffffff', border: '1px solid #d0d7de' };
const UNIT = [0, 1];
const UNIT_TICKS = [0, 0.25, 0.5, 0.75, 1];
const percent = (v: number) => `${Math.round(v * 100)}%`;

/**
 * The reliability diagram on recharts: each confidence bin's accuracy as a bar, the diagonal
 * a calibrated model would follow, a hover with the bin's range, accuracy, mean confidence
 * and sample count, and CSV (every bin, empty ones too) and PNG downloads.
 */
export function ReliabilityChart({ calibration, testId, fileName, height = 260 }: { calibration: ExpectedCalibrationError; testId: string; fileName: string; height?: number }) {
  const id = useId();
  const [plotRef, width] = useWidth();
  const title = `Reliability diagram, ECE ${(calibration.ece * 100).toFixed(2)}%`;
  const rows = useMemo<BinRow[]>(() => calibration.bins.map((b) => ({ ...b, x: (b.lower + b.upper) / 2 })), [calibration]);

  const saveCsv = () => {
    const column = (key: 'accuracy' | 'confidence' | 'count', label: string) => ({ key, label, color: CHART_COLORS.a, kind: 'train' as const, points: rows.map((r) => ({ x: r.lower, y: r[key] })) });
    const csv = chartCsv('confidence from', [column('accuracy', 'accuracy'), column('confidence', 'mean confidence'), column('count', 'samples')]);
    downloadBlob(new Blob([csv], { type: 'text/csv' }), `${fileName}.csv`);
  };
  const savePng = () => saveChartPng(plotRef.current, title, [{ label: 'accuracy per confidence bin', color: CHART_COLORS.a, dashed: false }], fileName);
  const hover = ({ active, payload }: TooltipContentProps<ValueType, NameType>) => {
    const bin = active ? (payload[0]?.payload as BinRow | undefined) : undefined;
    if (!bin) return null;
    return (
      <div style={TOOLTIP_STYLE} data-testid={`${testId}.tooltip`}>
        <div>
          confidence {bin.lower.toFixed(2)}–{bin.upper.toFixed(2)}
        </div>
        {bin.count > 0 && (
          <div>
            accuracy {formatPercent(bin.accuracy, 1)} at mean confidence {formatPercent(bin.confidence, 1)}
          </div>
        )}
        <div>
          {bin.count} {bin.count === 1 ? 'sample' : 'samples'}
        </div>
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
          <ChartSaveButtons testId={testId} what="the reliability diagram" onCsv={saveCsv} onPng={savePng} />
        </span>
      </figcaption>
      <div ref={plotRef} className="chart-plot" style={{ height }}>
        {width > 0 && (
          <BarChart width={width} height={height} data={rows} margin={{ ...PLOT_MARGIN, bottom: 18 }} barCategoryGap={1} accessibilityLayer title={title}>
            <CartesianGrid stroke={GRID} strokeDasharray="3 3" />
            <XAxis dataKey="x" type="number" domain={UNIT} ticks={UNIT_TICKS} interval={0} tickFormatter={percent} tick={TICK} stroke={MUTED} label={{ value: 'confidence', position: 'insideBottom', offset: -12, ...TICK }} />
            <YAxis type="number" domain={UNIT} ticks={UNIT_TICKS} interval={0} tickFormatter={percent} tick={TICK} stroke={MUTED} width={Y_AXIS_WIDTH} label={{ value: 'accuracy', angle: -90, position: 'insideLeft', offset: 8, ...TICK }} />
            <Tooltip isAnimationActive={false} content={hover} />
            <Bar dataKey="accuracy" name="accuracy" fill={CHART_COLORS.a} fillOpacity={0.6} isAnimationActive={false} />
            <ReferenceLine
              segment={[
                { x: 0, y: 0 },
                { x: 1, y: 1 },
              ]}
              stroke={MUTED}
              strokeDasharray="4 4"
            />
          </BarChart>
        )}
      </div>
      <ul className="chart-legend" aria-label={`${title}: series`}>
        <li>
          <svg width="12" height="10" aria-hidden="true">
            <rect x="1" y="1" width="10" height="8" fill={CHART_COLORS.a} fillOpacity={0.6} />
          </svg>
          accuracy per confidence bin (dashed: perfectly calibrated)
        </li>
      </ul>
    </figure>
  );
}
