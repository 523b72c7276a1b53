import type { ClassificationReport, DetCurve, ExpectedCalibrationError, RocCurve } from '../core/metrics/index.ts';
import { axes, CHART_COLORS, countTicks, frame, legend, linearTicks, percent, polyline, svgDocument, text, type Axis } from './svgFrame.ts';
import { confusionColors } from './confusionColors.ts';

/**
 * The evaluation charts as standalone SVG strings: the Evaluate page shows them, the PNG
 * export rasterizes them and the HTML report embeds them, so all three always agree.
 */
const W = 420;
const H = 300;
/** The coarsest DET axis floor: at least three decades are drawn. */
const DET_MAX_FLOOR = 1e-3;
/** The finest: below one in a million the rates come from more pairs than a browser scores. */
const DET_MIN_FLOOR = 1e-6;

const unitAxis = (label: string): Axis => ({ label, min: 0, max: 1, ticks: linearTicks(0, 1, 5), format: percent });

function marker(x: number, y: number, label: string): string {
  return `<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="5" fill="${CHART_COLORS.b}" stroke="#fff" stroke-width="1.5"/>${text(x + 8, y - 6, label, { size: 10, color: CHART_COLORS.b })}`;
}

export function rocChart(roc: Pick<RocCurve, 'fpr' | 'tpr'>, auc: number, opts: { marker?: { fpr: number; tpr: number } } = {}): string {
  const xa = unitAxis('false accept rate (FPR)');
  const ya = unitAxis('true accept rate (TPR)');
  const f = frame(W, H, xa, ya);
  const curve = roc.fpr.map((x, i) => [f.x(x), f.y(roc.tpr[i])] as [number, number]);
  const body =
    axes(f, xa, ya) +
    polyline([[f.x(0), f.y(0)], [f.x(1), f.y(1)]], CHART_COLORS.axis, { width: 1, dash: '4 4' }) +
    polyline(curve, CHART_COLORS.a) +
    legend(f, [{ label: `ROC, AUC ${auc.toFixed(4)}`, color: CHART_COLORS.a }]) +
    (opts.marker ? marker(f.x(opts.marker.fpr), f.y(opts.marker.tpr), 'threshold') : '');
  return svgDocument(W, H, 'ROC curve', body);
}

/** Decades from the floor to 1, the ticks of a log axis. */
export function decadeTicks(floor: number): number[] {
  const ticks: number[] = [];
  // Number('1e-5') is the double nearest 10⁻⁵; 10 ** -5 is not, and would print as 0.000009999…
  for (let e = Math.round(Math.log10(floor)); e <= 0; e++) ticks.push(Number(`1e${e}`));
  return ticks;
}

/**
 * Where a DET plot's log axes start: the decade holding the smallest non-zero rate, so
 * every measured point is drawn where it is (1e-3 at least, 1e-6 at most). A rate of 0
 * has no place on a log axis; it is drawn on the axis, and the chart says so.
 */
export function detAxisFloor(det: Pick<DetCurve, 'fpr' | 'fnr'>): number {
  let smallest = 1;
  for (const v of [...det.fpr, ...det.fnr]) if (v > 0 && v < smallest) smallest = v;
  const decade = Number(`1e${Math.floor(Math.log10(smallest) + 1e-9)}`);
  return Math.min(DET_MAX_FLOOR, Math.max(DET_MIN_FLOOR, decade));
}

/** A log-axis tick label: whole percents down to 1 %, one significant digit below (0.1%, 0.01%); the page's DET uses it too. */
export const logPercent = (v: number): string => (v >= 0.01 ? `${+(v * 100).toFixed(0)}%` : `${+(v * 100).toPrecision(1)}%`);

export function detChart(det: Pick<DetCurve, 'fpr' | 'fnr'>, opts: { marker?: { far: number; frr: number } } = {}): string {
  const floor = detAxisFloor(det);
  const ticks = decadeTicks(floor);
  const xa: Axis = { label: 'false accept rate (log)', min: floor, max: 1, log: true, ticks, format: logPercent };
  const ya: Axis = { label: 'false reject rate (log)', min: floor, max: 1, log: true, ticks, format: logPercent };
  const f = frame(W, H, xa, ya);
  const clamp = (v: number) => Math.max(floor, v);
  const clamped = det.fpr.some((v, i) => v < floor || det.fnr[i] < floor);
  const curve = det.fpr.map((x, i) => [f.x(clamp(x)), f.y(clamp(det.fnr[i]))] as [number, number]);
  const body =
    axes(f, xa, ya) +
    polyline(curve, CHART_COLORS.a) +
    legend(f, [{ label: 'DET', color: CHART_COLORS.a }]) +
    (clamped ? text(f.right, f.top - 8, `rates of 0 drawn on the axis (${logPercent(floor)})`, { anchor: 'end', size: 9, color: CHART_COLORS.muted }) : '') +
    (opts.marker ? marker(f.x(clamp(opts.marker.far)), f.y(clamp(opts.marker.frr)), 'threshold') : '');
  return svgDocument(W, H, 'DET curve', body);
}

/** Bars of one or two histograms over shared edges, with an optional vertical threshold line. */
function histogramBody(
  edges: number[],
  series: { counts: number[]; color: string; label: string }[],
  labels: { x: string; y: string },
  threshold: number | undefined,
  xFormat?: (v: number) => string,
): string {
  const yTicks = countTicks(Math.max(1, ...series.flatMap((s) => s.counts)));
  const xa: Axis = { label: labels.x, min: edges[0], max: edges[edges.length - 1], ticks: linearTicks(edges[0], edges[edges.length - 1], 4), format: xFormat ?? ((v) => v.toFixed(1)) };
  const ya: Axis = { label: labels.y, min: 0, max: yTicks[yTicks.length - 1], ticks: yTicks, format: String };
  const f = frame(W, H, xa, ya);
  const bars = series
    .map((s) =>
      s.counts
        .map((c, i) => {
          if (c === 0) return '';
          const x0 = f.x(edges[i]);
          const x1 = f.x(edges[i + 1]);
          return `<rect x="${x0.toFixed(1)}" y="${f.y(c).toFixed(1)}" width="${Math.max(0.5, x1 - x0 - 1).toFixed(1)}" height="${(f.bottom - f.y(c)).toFixed(1)}" fill="${s.color}" fill-opacity="0.55"/>`;
        })
        .join(''),
    )
    .join('');
  const line =
    threshold !== undefined
      ? `<line data-threshold="${threshold}" x1="${f.x(threshold).toFixed(1)}" x2="${f.x(threshold).toFixed(1)}" y1="${f.top}" y2="${f.bottom}" stroke="${CHART_COLORS.text}" stroke-width="1.5" stroke-dasharray="5 3"/>`
      : '';
  return axes(f, xa, ya) + bars + line + legend(f, series.map((s) => ({ label: s.label, color: s.color })));
}

export function similarityHistogramChart(h: { edges: number[]; genuine: number[]; impostor: number[] }, opts: { threshold?: number } = {}): string {
  const body = histogramBody(
    h.edges,
    [
      { counts: h.impostor, color: CHART_COLORS.b, label: 'impostor pairs' },
      { counts: h.genuine, color: CHART_COLORS.c, label: 'genuine pairs' },
    ],
    { x: 'cosine similarity', y: 'pairs' },
    opts.threshold,
  );
  return svgDocument(W, H, 'Similarity of genuine and impostor pairs', body);
}

export function iouHistogramChart(h: { edges: number[]; counts: number[] }, opts: { threshold?: number } = {}): string {
  const body = histogramBody(h.edges, [{ counts: h.counts, color: CHART_COLORS.a, label: 'images' }], { x: 'IoU of predicted and true box', y: 'images' }, opts.threshold, (v) => v.toFixed(2));
  return svgDocument(W, H, 'Box IoU', body);
}

export function reliabilityChart(cal: ExpectedCalibrationError): string {
  const xa = unitAxis('confidence');
  const ya = unitAxis('accuracy');
  const f = frame(W, H, xa, ya);
  const bars = cal.bins
    .filter((b) => b.count > 0)
    .map((b) => {
      const x0 = f.x(b.lower);
      const x1 = f.x(b.upper);
      return (
        `<rect x="${x0.toFixed(1)}" y="${f.y(b.accuracy).toFixed(1)}" width="${(x1 - x0 - 1).toFixed(1)}" height="${(f.bottom - f.y(b.accuracy)).toFixed(1)}" fill="${CHART_COLORS.a}" fill-opacity="0.6"/>` +
        text((x0 + x1) / 2, f.y(b.accuracy) - 3, String(b.count), { anchor: 'middle', size: 9, color: CHART_COLORS.muted })
      );
    })
    .join('');
  const body =
    axes(f, xa, ya) +
    bars +
    polyline([[f.x(0), f.y(0)], [f.x(1), f.y(1)]], CHART_COLORS.axis, { width: 1, dash: '4 4' }) +
    legend(f, [{ label: 'accuracy per confidence bin (count above)', color: CHART_COLORS.a }]);
  return svgDocument(W, H, `Reliability diagram, ECE ${(cal.ece * 100).toFixed(2)}%`, body);
}

/** A class name cut to fit beside the chart (by code point, so no emoji is halved); the whole name is the label's tooltip. */
function shortName(s: string): string {
  const chars = [...s];
  return chars.length > 14 ? `${chars.slice(0, 13).join('')}…` : s;
}

/** Counts in cells, colour by share of the true class's row (so a small class still shows its errors); mistakes in red (confusionColors). */
export function confusionChart(confusion: number[][], classNames: string[]): string {
  const n = classNames.length;
  const cell = Math.max(18, Math.min(48, Math.floor(320 / Math.max(1, n))));
  const labelSpace = 90;
  const width = labelSpace + n * cell + 20;
  const height = 40 + labelSpace + n * cell;
  const top = 30 + labelSpace;
  const parts: string[] = [];

  confusion.forEach((row, t) => {
    const total = row.reduce((a, b) => a + b, 0) || 1;
    parts.push(text(labelSpace - 6, top + t * cell + cell / 2 + 4, shortName(classNames[t]), { anchor: 'end', size: 10, tooltip: classNames[t] }));
    row.forEach((count, p) => {
      const colors = confusionColors(count, total, t === p);
      const x = labelSpace + p * cell;
      const y = top + t * cell;
      parts.push(`<rect x="${x}" y="${y}" width="${cell}" height="${cell}" fill="${colors.background}" stroke="${CHART_COLORS.grid}"/>`);
      if (cell >= 18) parts.push(text(x + cell / 2, y + cell / 2 + 4, String(count), { anchor: 'middle', size: 10, color: colors.text }));
    });
  });
  classNames.forEach((c, p) => {
    const x = labelSpace + p * cell + cell / 2 + 4;
    parts.push(text(x, top - 6, shortName(c), { size: 10, rotate: true, tooltip: c }));
  });
  parts.push(text(labelSpace, 30, 'columns: predicted · rows: true', { size: 10, color: CHART_COLORS.muted }));
  return svgDocument(width, height, 'Confusion matrix', parts.join(''));
}

export function classMetricsChart(report: ClassificationReport, classNames: string[]): string {
  const xa = unitAxis('score');
  const rowHeight = 3 * 7 + 8;
  const height = 70 + classNames.length * rowHeight;
  const left = 100;
  const right = W - 16;
  const x = (v: number) => left + v * (right - left);
  const series = [
    { key: 'precision', color: CHART_COLORS.a },
    { key: 'recall', color: CHART_COLORS.c },
    { key: 'f1', color: CHART_COLORS.d },
  ] as const;
  const parts: string[] = [];
  for (const t of xa.ticks) {
    parts.push(`<line x1="${x(t).toFixed(1)}" x2="${x(t).toFixed(1)}" y1="34" y2="${height - 24}" stroke="${CHART_COLORS.grid}"/>`);
    parts.push(text(x(t), height - 10, percent(t), { anchor: 'middle', size: 10, color: CHART_COLORS.muted }));
  }
  report.perClass.forEach((c, i) => {
    const y = 40 + i * rowHeight;
    parts.push(text(left - 6, y + 13, shortName(classNames[i]), { anchor: 'end', size: 10, tooltip: classNames[i] }));
    series.forEach((s, k) => parts.push(`<rect x="${left}" y="${y + k * 7}" width="${Math.max(0, x(c[s.key]) - left).toFixed(1)}" height="6" fill="${s.color}"/>`));
  });
  let lx = left;
  for (const s of series) {
    parts.push(`<rect x="${lx}" y="22" width="10" height="3" fill="${s.color}"/>${text(lx + 14, 26, s.key, { size: 10, color: CHART_COLORS.muted })}`);
    lx += 80;
  }
  return svgDocument(W, height, 'Per-class scores (precision, recall, F1)', parts.join(''));
}
