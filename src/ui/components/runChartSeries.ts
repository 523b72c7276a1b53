import type { TaskSpec } from '../../core/spec/runSpec.ts';
import type { RunSeries } from '../../store/runSeries.ts';
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
