import { memo, startTransition, useEffect, useId, useMemo, useState } from 'react';
import { downloadBlob } from '../../../store/downloadBlob.ts';
import { BRUSH_HEIGHT, ChartBrush } from './ChartBrush.tsx';
import { ChartPlot, PLOT_MARGIN, Y_AXIS_WIDTH } from './ChartPlot.tsx';
import { chartCsv } from './chartCsv.ts';
import { chartLines, type ChartSeries } from './chartLines.ts';
import { ChartSaveButtons } from './ChartSaveButtons.tsx';
import { saveChartPng } from './saveChartPng.ts';
import { chartTable } from './chartTable.ts';
import { toggleHidden } from './toggleHidden.ts';
import { useWidth } from './useWidth.ts';
import { useStaggered } from '../common/useStaggered.ts';

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
  /** Charts of one group show their hover together, at the same x (a run's loss, accuracy and learning rate). */
  syncGroup?: string;
  /** The file name the CSV and PNG downloads start with. */
  fileName?: string;
  /** Charts shown together mount their plots this far apart, each in a task of its own. */
  mountDelayMs?: number;
}

/**
 * Pixels per decimation column: a column keeps its lowest and highest point, so a 1.5 px
 * line still shows every spike while a 600 px plot draws at most about 600 points a line.
 */
const PX_PER_COLUMN = 2;
/**
 * The zoom strip is a second recharts chart: it takes the rows this much after the plot,
 * so the two redraw in separate tasks rather than one that holds the main thread twice as long.
 */
const BRUSH_DELAY_MS = 60;


/**
 * One chart of a run's figures, on recharts: train lines solid, validation lines dashed
 * with square markers, hover values (synced across a `syncGroup`), TensorBoard smoothing,
 * log scale, step or epoch on x, a legend whose entries switch their line off and on, a
 * brush that zooms the x axis, and CSV and PNG downloads. Each line is decimated to the
 * plot's pixel width and nothing animates, so it costs the same however long the run. The
 * plot is mounted before it has points (mounting a recharts chart costs more than a redraw,
 * and a live chart's first points come while the run trains), and the zoom strip follows
 * it in a task of its own.
 * `data-points` on the figure says how many points are drawn (the e2e tests poll it).
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
  syncGroup,
  fileName = testId,
  mountDelayMs = 0,
}: MetricChartProps) {
  const [axis, setAxis] = useState<XAxisMode>('step');
  const [smoothing, setSmoothing] = useState(smoothable ? 0.6 : 0);
  const [log, setLog] = useState(defaultLog);
  const [hidden, setHidden] = useState<ReadonlySet<string>>(new Set());
  const [zoom, setZoom] = useState<[number, number]>();
  const [plotRef, width] = useWidth();
  const [mounted, setMounted] = useState(false);
  useEffect(() => {
    const timer = setTimeout(() => startTransition(() => setMounted(true)), mountDelayMs);
    return () => clearTimeout(timer);
  }, [mountDelayMs]);
  const id = useId();
  const shownX = axisToggle ? axis : xName;
  // `version` stands for the data `series` reads, which the caller mutates in place.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const raw = useMemo(() => series(axisToggle ? axis : 'step'), [series, axis, axisToggle, version]);
  const columns = Math.max(1, Math.floor((width - Y_AXIS_WIDTH - PLOT_MARGIN.left - PLOT_MARGIN.right) / PX_PER_COLUMN));
  const whole = useMemo(() => chartLines(raw, { smoothing, log, logX, columns }), [raw, smoothing, log, logX, columns]);
  const zoomed = useMemo(() => zoom && chartLines(raw, { smoothing, log, logX, columns, range: zoom }), [raw, smoothing, log, logX, columns, zoom]);
  const { lines, drawn } = zoomed ?? whole;
  const wholeRows = useMemo(() => chartTable(whole.lines), [whole]);
  const zoomedRows = useMemo(() => zoomed && chartTable(zoomed.lines), [zoomed]);
  const brushRows = useStaggered(wholeRows, BRUSH_DELAY_MS);

  const switchAxis = (mode: XAxisMode) => {
    setAxis(mode);
    // A step range means nothing on the epoch axis.
    setZoom(undefined);
  };
  const saveCsv = () => downloadBlob(new Blob([chartCsv(shownX, raw)], { type: 'text/csv' }), `${fileName}.csv`);
  const savePng = () => {
    const legend = lines.filter((l) => !hidden.has(l.key)).map((l) => ({ label: l.label, color: l.color, dashed: l.kind === 'val' }));
    saveChartPng(plotRef.current, title, legend, fileName);
  };

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
                  <input type="radio" name={`${id}-axis`} checked={axis === mode} onChange={() => switchAxis(mode)} />
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
          {zoom && (
            <button type="button" className="link" data-testid={`${testId}.resetZoom`} onClick={() => setZoom(undefined)}>
              reset zoom
            </button>
          )}
          <ChartSaveButtons testId={testId} what={title} disabled={whole.drawn === 0} onCsv={saveCsv} onPng={savePng} />
        </span>
      </figcaption>
      <div ref={plotRef} className="chart-plot" style={{ height: height + BRUSH_HEIGHT }}>
        {whole.drawn === 0 && <p className="chart-empty">No points yet.</p>}
        {mounted && width > 0 && (
          <>
            <ChartPlot
              lines={lines}
              rows={zoomedRows ?? wholeRows}
              hidden={hidden}
              log={log}
              logX={logX}
              xName={shownX}
              marker={marker}
              width={width}
              height={height}
              syncId={syncGroup && `${syncGroup}:${shownX}`}
              title={title}
            />
            {brushRows.length > 2 && <ChartBrush rows={brushRows} width={width} zoom={zoom} onZoom={setZoom} />}
          </>
        )}
      </div>
      <ul className="chart-legend" aria-label={`${title}: lines`}>
        {lines.map((s) => (
          <li key={s.key}>
            <button type="button" className="chart-legend-entry" aria-pressed={!hidden.has(s.key)} title={hidden.has(s.key) ? 'Show this line' : 'Hide this line'} onClick={() => setHidden((h) => toggleHidden(h, s.key))}>
              <svg width="26" height="10" aria-hidden="true">
                <line x1="1" y1="5" x2="25" y2="5" stroke={s.color} strokeWidth="1.5" strokeDasharray={s.kind === 'val' ? '6 3' : undefined} />
                {s.kind === 'val' ? <rect x="10" y="2" width="6" height="6" fill="var(--surface)" stroke={s.color} /> : <circle cx="13" cy="5" r="2.5" fill={s.color} />}
              </svg>
              {s.label}
            </button>
          </li>
        ))}
      </ul>
    </figure>
  );
});
