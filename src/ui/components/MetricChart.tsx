import { memo, useId, useMemo, useState } from 'react';
import { ChartPlot } from './ChartPlot.tsx';
import { chartLines, type ChartSeries } from './chartLines.ts';

export type XAxisMode = 'step' | 'epoch';

export interface MetricChartProps {
  testId: string;
  title: string;
  /** The lines for an x axis mode; called again only when `version` or the mode changes. */
  series: (axis: XAxisMode) => ChartSeries[];
  /** Changes whenever the data behind `series` changed. */
  version: number | string;
  /** Offer the step / epoch toggle (charts of per-step values). */
  axisToggle?: boolean;
  /** Offer the smoothing slider (noisy per-step values; not the learning rate). */
  smoothable?: boolean;
  defaultLog?: boolean;
  /** Log scale on x (the LR finder's sweep). */
  logX?: boolean;
  /** What x counts, for the hover label when there is no axis toggle ("lr"). */
  xName?: string;
  /** A vertical mark with a label (the suggested learning rate). */
  marker?: { x: number; label: string };
  height?: number;
}

const MAX_POINTS = 1000;

/** The legend: a short sample of each line, dash and marker included, so it reads without colour. */
function ChartLegend({ lines }: { lines: readonly ChartSeries[] }) {
  return (
    <ul className="chart-legend">
      {lines.map((s) => (
        <li key={s.key}>
          <svg width="26" height="10" aria-hidden="true">
            <line x1="1" y1="5" x2="25" y2="5" stroke={s.color} strokeWidth="1.5" strokeDasharray={s.kind === 'val' ? '6 3' : undefined} />
            {s.kind === 'val' ? <rect x="10" y="2" width="6" height="6" fill="var(--surface)" stroke={s.color} /> : <circle cx="13" cy="5" r="2.5" fill={s.color} />}
          </svg>
          {s.label}
        </li>
      ))}
    </ul>
  );
}

/**
 * One chart of a run's figures: train lines solid, validation lines dashed with square
 * markers, hover values, TensorBoard smoothing, log scale, step or epoch on x. It never
 * animates and never draws more than MAX_POINTS points, so it costs the same however long
 * the run. `data-points` on the figure says how many points are drawn (the e2e tests poll it).
 */
export const MetricChart = memo(function MetricChart({
  testId,
  title,
  series,
  version,
  axisToggle = false,
  smoothable = true,
  defaultLog = false,
  logX = false,
  xName = 'step',
  marker,
  height = 220,
}: MetricChartProps) {
  const [axis, setAxis] = useState<XAxisMode>('step');
  const [smoothing, setSmoothing] = useState(smoothable ? 0.6 : 0);
  const [log, setLog] = useState(defaultLog);
  const id = useId();
  // `version` stands for the data `series` reads, which the caller mutates in place.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const raw = useMemo(() => series(axisToggle ? axis : 'step'), [series, axis, axisToggle, version]);
  const { lines, drawn } = useMemo(() => chartLines(raw, { smoothing, log, logX, maxPoints: MAX_POINTS }), [raw, smoothing, log, logX]);

  return (
    <figure className="chart" data-testid={testId} data-points={drawn} aria-labelledby={`${id}-title`}>
      <figcaption className="chart-head">
        <span id={`${id}-title`} className="chart-title">
          {title}
        </span>
        <span className="chart-tools">
          {axisToggle && (
            <span role="radiogroup" aria-label={`${title}: x axis`} className="segmented">
              {(['step', 'epoch'] as const).map((mode) => (
                <label key={mode}>
                  <input type="radio" name={`${id}-axis`} checked={axis === mode} onChange={() => setAxis(mode)} />
                  {mode}
                </label>
              ))}
            </span>
          )}
          {smoothable && (
            <label className="chart-smoothing">
              smoothing
              <input
                type="range"
                min={0}
                max={0.99}
                step={0.01}
                value={smoothing}
                aria-label={`${title}: smoothing`}
                onChange={(e) => setSmoothing(Number(e.target.value))}
              />
              <output>{smoothing.toFixed(2)}</output>
            </label>
          )}
          <label>
            <input type="checkbox" checked={log} aria-label={`${title}: log scale`} onChange={(e) => setLog(e.target.checked)} />
            log
          </label>
        </span>
      </figcaption>
      {drawn === 0 ? (
        <p className="chart-empty" style={{ height }}>
          No points yet.
        </p>
      ) : (
        <ChartPlot lines={lines} log={log} logX={logX} xName={axisToggle ? axis : xName} marker={marker} height={height} title={title} />
      )}
      <ChartLegend lines={lines} />
    </figure>
  );
});
