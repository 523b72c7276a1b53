import type { ChartSeries } from './chartLines.ts';
import { chartTable } from './chartTable.ts';

/** A CSV field, quoted when it holds a comma, a quote or a line break (RFC 4180). */
const field = (text: string) => (/[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text);

/**
 * A chart's data as CSV: a column for x (named `xName`: step, epoch, lr) and one per line,
 * headed by its legend label, one row per distinct x. A line with no value at an x leaves
 * its cell empty (validation lines only have a value where an epoch ended). Values are
 * written in full (JavaScript's shortest round-tripping form), so the file holds what was
 * logged, not what the axis labels show.
 */
export function chartCsv(xName: string, lines: readonly ChartSeries[]): string {
  const header = [xName, ...lines.map((l) => l.label)].map(field).join(',');
  const rows = chartTable(lines).map((row) => [row.x, ...lines.map((l) => row[l.key])].map((v) => (v === undefined ? '' : String(v))).join(','));
  return [header, ...rows].join('\n') + '\n';
}
