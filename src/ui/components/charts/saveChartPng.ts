import { downloadBlob } from '../../../store/downloadBlob.ts';
import { useSessionStore } from '../../../store/sessionStore.ts';
import { chartSvgSnapshot, type SnapshotLegendEntry } from './chartSvgSnapshot.ts';
import { svgToPng } from './svgToPng.ts';

/**
 * Downloads the recharts plot inside `plot` as a PNG with its title and legend (the page's
 * legend is HTML, so the snapshot draws it); a failure is said in a toast.
 */
export function saveChartPng(plot: HTMLElement | null, title: string, legend: readonly SnapshotLegendEntry[], fileName: string): void {
  const svg = plot?.querySelector<SVGSVGElement>('svg.recharts-surface');
  if (!svg) return;
  void svgToPng(chartSvgSnapshot(svg, title, legend))
    .then((png) => downloadBlob(png, `${fileName}.png`))
    .catch((e: unknown) => useSessionStore.getState().notify(e instanceof Error ? e.message : String(e), 'error'));
}
