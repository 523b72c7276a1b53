import { escapeXml } from './escapeXml.ts';

/** The studio's chart look (src/ui/app.css), written inline so a chart stands alone as a file. */
export const CHART_COLORS = { text: '#1f2328', muted: '#59636e', grid: '#e6e9ed', axis: '#8c959f', a: '#0969da', b: '#cf222e', c: '#1a7f37', d: '#9a6700' };
const FONT = "font-family=\"system-ui, -apple-system, 'Segoe UI', sans-serif\"";

export interface Axis {
  label: string;
  min: number;
  max: number;
  /** log10 scale: min and max must be > 0. */
  log?: boolean;
  ticks: number[];
  format?: (v: number) => string;
}

export interface Frame {
  width: number;
  height: number;
  /** Data → pixel. */
  x(v: number): number;
  y(v: number): number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

const MARGIN = { left: 56, right: 16, top: 44, bottom: 44 };

function scale(axis: Axis, from: number, to: number): (v: number) => number {
  const f = axis.log ? Math.log10 : (v: number) => v;
  const lo = f(axis.min);
  const hi = f(axis.max);
  return (v: number) => from + ((f(Math.min(axis.max, Math.max(axis.min, v))) - lo) / (hi - lo || 1)) * (to - from);
}

export function frame(width: number, height: number, xAxis: Axis, yAxis: Axis): Frame {
  const left = MARGIN.left;
  const right = width - MARGIN.right;
  const top = MARGIN.top;
  const bottom = height - MARGIN.bottom;
  return { width, height, left, right, top, bottom, x: scale(xAxis, left, right), y: scale(yAxis, bottom, top) };
}

export interface TextOptions {
  anchor?: 'start' | 'middle' | 'end';
  size?: number;
  color?: string;
  rotate?: boolean;
  weight?: number;
  /** Shown on hover where the label had to be shortened. */
  tooltip?: string;
}

export function text(x: number, y: number, content: string, opts: TextOptions = {}): string {
  const transform = opts.rotate ? ` transform="rotate(-90 ${x.toFixed(1)} ${y.toFixed(1)})"` : '';
  const tooltip = opts.tooltip !== undefined && opts.tooltip !== content ? `<title>${escapeXml(opts.tooltip)}</title>` : '';
  return `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" text-anchor="${opts.anchor ?? 'start'}" font-size="${opts.size ?? 11}" fill="${opts.color ?? CHART_COLORS.text}"${opts.weight ? ` font-weight="${opts.weight}"` : ''}${transform}>${tooltip}${escapeXml(content)}</text>`;
}

export function polyline(points: [number, number][], color: string, opts: { width?: number; dash?: string } = {}): string {
  if (points.length === 0) return '';
  const d = points.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${x.toFixed(2)},${y.toFixed(2)}`).join('');
  return `<path d="${d}" fill="none" stroke="${color}" stroke-width="${opts.width ?? 2}"${opts.dash ? ` stroke-dasharray="${opts.dash}"` : ''}/>`;
}

/** Grid lines, tick labels and axis titles of a frame. */
export function axes(f: Frame, xAxis: Axis, yAxis: Axis): string {
  const parts: string[] = [];
  const fx = xAxis.format ?? String;
  const fy = yAxis.format ?? String;
  for (const t of xAxis.ticks) {
    const x = f.x(t);
    parts.push(`<line x1="${x.toFixed(1)}" x2="${x.toFixed(1)}" y1="${f.top}" y2="${f.bottom}" stroke="${CHART_COLORS.grid}"/>`);
    parts.push(text(x, f.bottom + 14, fx(t), { anchor: 'middle', color: CHART_COLORS.muted, size: 10 }));
  }
  for (const t of yAxis.ticks) {
    const y = f.y(t);
    parts.push(`<line x1="${f.left}" x2="${f.right}" y1="${y.toFixed(1)}" y2="${y.toFixed(1)}" stroke="${CHART_COLORS.grid}"/>`);
    parts.push(text(f.left - 6, y + 3, fy(t), { anchor: 'end', color: CHART_COLORS.muted, size: 10 }));
  }
  parts.push(`<rect x="${f.left}" y="${f.top}" width="${f.right - f.left}" height="${f.bottom - f.top}" fill="none" stroke="${CHART_COLORS.axis}"/>`);
  parts.push(text((f.left + f.right) / 2, f.height - 8, xAxis.label, { anchor: 'middle' }));
  parts.push(text(14, (f.top + f.bottom) / 2, yAxis.label, { anchor: 'middle', rotate: true }));
  return parts.join('');
}

/** Coloured legend entries in a row under the title. */
export function legend(f: Frame, entries: { label: string; color: string }[]): string {
  let x = f.left;
  return entries
    .map(({ label, color }) => {
      const item = `<rect x="${x}" y="${f.top - 12}" width="10" height="3" fill="${color}"/>${text(x + 14, f.top - 8, label, { size: 10, color: CHART_COLORS.muted })}`;
      x += 24 + label.length * 5.6;
      return item;
    })
    .join('');
}

/** A whole standalone SVG document: white background, title, body. */
export function svgDocument(width: number, height: number, title: string, body: string): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ${FONT} role="img" aria-label="${escapeXml(title)}">` +
    `<title>${escapeXml(title)}</title><rect width="${width}" height="${height}" fill="#ffffff"/>` +
    text(8, 16, title, { size: 13, weight: 600 }) +
    body +
    '</svg>'
  );
}

/** Evenly spaced ticks min..max in `count` steps. */
export function linearTicks(min: number, max: number, count: number): number[] {
  return Array.from({ length: count + 1 }, (_, i) => min + ((max - min) * i) / count);
}

/**
 * Whole-number ticks from 0 past `max` in steps of 1, 2 or 5 × 10^k, about `count` of
 * them: a count axis reads 0, 10, 20, 30, 40 rather than 0, 8.25, 16.5 …
 */
export function countTicks(max: number, count = 4): number[] {
  const raw = Math.max(1, max / count);
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? 10 * magnitude;
  const steps = Math.max(1, Math.ceil(max / step));
  return Array.from({ length: steps + 1 }, (_, i) => i * step);
}

export const percent = (v: number): string => `${Math.round(v * 100)}%`;
