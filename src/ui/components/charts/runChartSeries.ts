import type { TaskSpec } from '../../../core/spec/runSpec.ts';
import type { RunSeries } from '../../../store/runSeries.ts';
import type { ChartPoint, ChartSeries } from './chartLines.ts';
import type { XAxisMode } from './MetricChart.tsx';

/**
 * The lines of a run's three live charts, read from its event series. On the step axis a
 * step point sits at its event's `step`, the number of updates done, and an epoch point at
 * its epoch's last update, so the validation marks land where their epoch ended. On the epoch
 * axis both come from the epoch events (x = epochs done).
 */

/** The validation figure the accuracy chart shows for a task (names from docs/run-spec.md). */
export function valMetricOf(task: TaskSpec['kind']): string {
  return task === 'embedding' ? 'val_verification_acc' : 'val_acc';
}

function epochPoints(series: RunSeries, metric: string, axis: XAxisMode): ChartPoint[] {
  const out: ChartPoint[] = [];
  for (const e of series.epochs) {
    const y = e.metrics[metric];
    if (y !== undefined) out.push({ x: axis === 'step' ? e.step : e.epoch + 1, y });
  }
  return out;
}

function stepPoints(series: RunSeries, pick: (e: RunSeries['steps'][number]) => number | undefined): ChartPoint[] {
  const out: ChartPoint[] = [];
  for (const e of series.steps) {
    const y = pick(e);
    if (y !== undefined) out.push({ x: e.step, y });
  }
  return out;
}

function pair(id: string, color: string, train: ChartPoint[], trainLabel: string, val: ChartPoint[], valLabel: string): ChartSeries[] {
  const lines: ChartSeries[] = [{ key: `${id}:train`, label: trainLabel, color, kind: 'train', points: train }];
  if (val.length > 0) lines.push({ key: `${id}:val`, label: valLabel, color, kind: 'val', points: val });
  return lines;
}

export function lossLines(series: RunSeries | undefined, axis: XAxisMode, color: string, id = 'loss'): ChartSeries[] {
  if (!series) return [];
  const train = axis === 'step' ? stepPoints(series, (e) => e.loss) : epochPoints(series, 'loss', axis);
  return pair(id, color, train, 'train loss', epochPoints(series, 'val_loss', axis), 'val loss');
}

export function accuracyLines(series: RunSeries | undefined, axis: XAxisMode, color: string, task: TaskSpec['kind']): ChartSeries[] {
  if (!series) return [];
  const train = axis === 'step' ? stepPoints(series, (e) => e.metrics.acc) : epochPoints(series, 'acc', axis);
  const valMetric = valMetricOf(task);
  return pair('acc', color, train, 'train acc', epochPoints(series, valMetric, axis), valMetric.replace('_', ' '));
}

export function lrLines(series: RunSeries | undefined, color: string): ChartSeries[] {
  if (!series) return [];
  return [{ key: 'lr', label: 'learning rate', color, kind: 'train', points: stepPoints(series, (e) => e.lr) }];
}

/** Where a logged metric sits in the overlay's picker: loss and accuracy first, the learning rate last. */
const METRIC_ORDER = ['loss', 'val_loss', 'acc', 'val_acc'];

/**
 * Every metric the runs logged, for the Runs overlay's picker: the per-step training figures
 * (loss, acc, loss parts), every epoch metric (val_loss, val_acc, val_eer, ...) and the
 * learning rate.
 */
export function loggedMetrics(seriesList: readonly (RunSeries | undefined)[]): string[] {
  const names = new Set<string>();
  for (const series of seriesList) {
    if (!series) continue;
    if (series.steps.length > 0) names.add('loss').add('lr');
    for (const e of series.steps.slice(-1)) for (const k of Object.keys(e.metrics)) names.add(k);
    for (const e of series.epochs) for (const k of Object.keys(e.metrics)) names.add(k);
  }
  const rank = (m: string) => (m === 'lr' ? METRIC_ORDER.length + 1 : METRIC_ORDER.includes(m) ? METRIC_ORDER.indexOf(m) : METRIC_ORDER.length);
  return [...names].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

/**
 * One metric of one run as a line, for the Runs overlay. A figure logged per step (loss,
 * acc, the learning rate) is drawn from the step events on the step axis; on the epoch axis,
 * and for what only epochs log (validation metrics), from the epoch events. Validation
 * metrics are drawn as val lines.
 */
export function metricLine(series: RunSeries | undefined, metric: string, axis: XAxisMode, color: string, id: string): ChartSeries | undefined {
  if (!series) return undefined;
  const perStep = metric === 'lr' || metric === 'loss' || series.steps.some((e) => e.metrics[metric] !== undefined);
  let points: ChartPoint[];
  if (axis === 'step' && perStep) points = stepPoints(series, (e) => (metric === 'lr' ? e.lr : metric === 'loss' ? e.loss : e.metrics[metric]));
  else if (metric === 'lr') points = series.epochs.map((e) => ({ x: axis === 'step' ? e.step : e.epoch + 1, y: e.lr }));
  else points = epochPoints(series, metric, axis);
  if (points.length === 0) return undefined;
  return { key: `${id}:${metric}`, label: metric, color, kind: metric.startsWith('val_') ? 'val' : 'train', points };
}
