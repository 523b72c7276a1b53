/** What the PNG's legend shows of a line. */
export interface SnapshotLegendEntry {
  label: string;
  color: string;
  dashed: boolean;
}

/** The presentation properties a chart's look depends on, copied from the page's CSS onto each element. */
const STYLED = ['fill', 'stroke', 'stroke-width', 'stroke-dasharray', 'stroke-opacity', 'fill-opacity', 'opacity', 'font-size', 'font-family', 'font-weight'] as const;
const LEGEND_ROW = 18;
const TITLE_HEIGHT = 22;
const NS = 'http://www.w3.org/2000/svg';

/**
 * A drawn recharts chart as a self-contained SVG string, for svgToPng: the computed colours
 * and fonts are written onto each element (an SVG loaded as an image sees none of the page's
 * CSS or its custom properties), and the chart's title and legend, which the page draws in
 * HTML, are added as SVG text so the image reads on its own. The zoom brush is a chart of
 * its own (ChartBrush), so it is not in the image.
 */
export function chartSvgSnapshot(svg: SVGSVGElement, title: string, legend: readonly SnapshotLegendEntry[]): string {
  const width = svg.width.baseVal.value;
  const height = svg.height.baseVal.value;
  const clone = svg.cloneNode(true) as SVGSVGElement;
  const live = [svg, ...svg.querySelectorAll('*')];
  const copies = [clone, ...clone.querySelectorAll('*')];
  live.forEach((element, i) => {
    const computed = getComputedStyle(element);
    const copy = copies[i] as SVGElement;
    for (const property of STYLED) copy.style.setProperty(property, computed.getPropertyValue(property));
  });

  const out = document.createElementNS(NS, 'svg');
  const total = TITLE_HEIGHT + height + legend.length * LEGEND_ROW + 6;
  out.setAttribute('xmlns', NS);
  out.setAttribute('width', String(width));
  out.setAttribute('height', String(total));
  out.setAttribute('viewBox', `0 0 ${width} ${total}`);
  const text = (x: number, y: number, content: string, size: number, weight = 'normal') => {
    const t = document.createElementNS(NS, 'text');
    t.setAttribute('x', String(x));
    t.setAttribute('y', String(y));
    t.setAttribute('style', `font: ${weight} ${size}px system-ui, sans-serif; fill: #1f2328`);
    t.textContent = content;
    out.append(t);
  };
  text(8, 16, title, 14, '600');
  clone.setAttribute('x', '0');
  clone.setAttribute('y', String(TITLE_HEIGHT));
  out.append(clone);
  legend.forEach((entry, i) => {
    const y = TITLE_HEIGHT + height + 6 + i * LEGEND_ROW + LEGEND_ROW / 2;
    const sample = document.createElementNS(NS, 'line');
    for (const [k, v] of Object.entries({ x1: '56', x2: '80', y1: String(y), y2: String(y), stroke: entry.color, 'stroke-width': '2' })) sample.setAttribute(k, v);
    if (entry.dashed) sample.setAttribute('stroke-dasharray', '6 3');
    out.append(sample);
    text(86, y + 4, entry.label, 12);
  });
  return new XMLSerializer().serializeToString(out);
}
