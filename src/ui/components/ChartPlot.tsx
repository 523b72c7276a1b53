import { memo, useEffect, useRef, useState, type PointerEvent, type RefObject } from 'react';
import type { ChartPoint, ChartSeries } from './chartLines.ts';
import { chartScale } from './chartScale.ts';
import { formatMetric } from './formatMetric.ts';

export interface ChartPlotProps {
  /** Lines ready to draw (smoothed, filtered, downsampled); points sorted by x. */
  lines: readonly ChartSeries[];
  log: boolean;
  logX: boolean;
  /** What x counts, for the hover label ("step", "epoch", "lr"). */
  xName: string;
  marker?: { x: number; label: string };
  height: number;
  /** Names the plot for screen readers. */
  title: string;
}

const M = { top: 8, right: 14, bottom: 22, left: 56 };
/** Markers on train lines only while they are sparse enough to read. */
const FEW_POINTS = 40;

/** The point of a line nearest to x (points sorted by x). */
function nearest(points: readonly ChartPoint[], x: number): ChartPoint | undefined {
  let lo = 0;
  let hi = points.length - 1;
  if (hi < 0) return undefined;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (points[mid].x < x) lo = mid;
    else hi = mid;
  }
  return Math.abs(points[lo].x - x) <= Math.abs(points[hi].x - x) ? points[lo] : points[hi];
}

/** Follows the element's width, so the SVG is drawn at its real size (crisp lines, honest tick spacing). */
function useWidth(): [RefObject<HTMLDivElement | null>, number] {
  const ref = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const observer = new ResizeObserver(([entry]) => setWidth(Math.floor(entry.contentRect.width)));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  return [ref, width];
}

/**
 * A line chart drawn as plain SVG. A redraw is a handful of path strings, so live charts
 * can follow a run without holding the main thread (a charting library's redraw cost
 * tens of milliseconds per chart here, which is what made the page stutter).
 */
export const ChartPlot = memo(function ChartPlot({ lines, log, logX, xName, marker, height, title }: ChartPlotProps) {
  const [ref, width] = useWidth();
  const [hoverX, setHoverX] = useState<number>();
  const all = lines.flatMap((l) => l.points);
  const plotRight = Math.max(M.left + 10, width - M.right);
  const xs = all.map((p) => p.x).concat(marker ? [marker.x] : []);
  const ys = all.map((p) => p.y);
  const x = chartScale(Math.min(...xs), Math.max(...xs), M.left, plotRight, {
    log: logX,
    nice: false,
    ticks: Math.max(2, Math.floor((plotRight - M.left) / 90)),
    integer: xName === 'step' || xName === 'epoch',
  });
  const y = chartScale(Math.min(...ys), Math.max(...ys), height - M.bottom, M.top, { log, nice: true, ticks: 5 });
  const px = (p: ChartPoint) => `${x(p.x).toFixed(1)},${y(p.y).toFixed(1)}`;

  const onMove = (e: PointerEvent<SVGSVGElement>) => {
    const left = e.currentTarget.getBoundingClientRect().left;
    const at = e.clientX - left;
    setHoverX(at >= M.left && at <= plotRight ? x.invert(at) : undefined);
  };
  const hovered = hoverX === undefined ? [] : lines.flatMap((l) => (nearest(l.points, hoverX) ? [{ line: l, point: nearest(l.points, hoverX)! }] : []));
  const summary = lines
    .map((l) => {
      const last = l.points.at(-1);
      return last ? `${l.label} ${formatMetric(last.y)} at ${xName} ${formatMetric(last.x)}` : '';
    })
    .filter(Boolean)
    .join('; ');

  return (
    <div ref={ref} className="chart-plot" style={{ height }}>
      {width > 0 && (
        <svg width={width} height={height} role="img" aria-label={`${title}: ${summary}`} onPointerMove={onMove} onPointerLeave={() => setHoverX(undefined)}>
          <g className="chart-grid">
            {y.ticks.map((t) => (
              <g key={t}>
                <line x1={M.left} x2={plotRight} y1={y(t)} y2={y(t)} />
                <text x={M.left - 6} y={y(t)} dy="0.32em" textAnchor="end">
                  {formatMetric(t)}
                </text>
              </g>
            ))}
            {x.ticks.map((t) => (
              <text key={t} x={x(t)} y={height - 6} textAnchor="middle">
                {formatMetric(t)}
              </text>
            ))}
            <line className="chart-axis" x1={M.left} x2={plotRight} y1={height - M.bottom} y2={height - M.bottom} />
          </g>
          {marker && (
            <g className="chart-marker">
              <line x1={x(marker.x)} x2={x(marker.x)} y1={M.top} y2={height - M.bottom} />
              <text x={x(marker.x) + 4} y={M.top + 10}>
                {marker.label}
              </text>
            </g>
          )}
          {lines.map((l) => (
            <g key={l.key} stroke={l.color}>
              <path d={l.points.map((p, i) => `${i ? 'L' : 'M'}${px(p)}`).join('')} fill="none" strokeWidth={1.5} strokeDasharray={l.kind === 'val' ? '6 3' : undefined} />
              {l.kind === 'val'
                ? l.points.map((p) => <rect key={p.x} x={x(p.x) - 3} y={y(p.y) - 3} width={6} height={6} fill="var(--surface)" strokeWidth={1.5} />)
                : l.points.length <= FEW_POINTS && l.points.map((p) => <circle key={p.x} cx={x(p.x)} cy={y(p.y)} r={2} fill={l.color} />)}
            </g>
          ))}
          {hoverX !== undefined && <line className="chart-hover" x1={x(hoverX)} x2={x(hoverX)} y1={M.top} y2={height - M.bottom} />}
        </svg>
      )}
      {hovered.length > 0 && (
        <div className="chart-tooltip" role="tooltip" style={{ left: Math.min(x(hoverX!) + 10, width - 180) }}>
          {hovered.map(({ line, point }) => (
            <div key={line.key}>
              <span className="swatch" style={{ background: line.color }} /> {line.label}: <strong>{formatMetric(point.y)}</strong> at {xName} {formatMetric(point.x)}
            </div>
          ))}
        </div>
      )}
    </div>
  );
});
