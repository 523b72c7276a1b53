import type { EpochEvent, StepEvent, TrainEvent } from '../core/train/trainEvent.ts';

const FIXED = ['type', 'epoch', 'step', 'loss', 'lr'] as const;

/** RFC 4180 quoting, for metric names a person might have typed with a comma in them. */
function cell(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function lossOf(event: StepEvent | EpochEvent): number | undefined {
  return event.type === 'step' ? event.loss : event.metrics.loss;
}

/**
 * A run's step and epoch events as CSV, one row each in emission order: type, epoch, step,
 * loss, lr, then one column per metric name seen in any row (in the order first seen). An
 * epoch row's loss is its `loss` metric, so `loss` gets no second column. A metric a row
 * lacks is left empty; NaN and Infinity are written as such, since a diverged run is worth
 * seeing in a spreadsheet. Lifecycle events (trainBegin, checkpoint, trainEnd) carry no
 * series and are left out.
 */
export function runEventsCsv(events: readonly TrainEvent[]): string {
  const rows = events.filter((e): e is StepEvent | EpochEvent => e.type === 'step' || e.type === 'epoch');
  const metricNames: string[] = [];
  const seen = new Set<string>(['loss']);
  for (const row of rows) {
    for (const name of Object.keys(row.metrics)) {
      if (!seen.has(name)) {
        seen.add(name);
        metricNames.push(name);
      }
    }
  }
  const num = (v: number | undefined) => (v === undefined ? '' : String(v));
  const lines = [[...FIXED, ...metricNames].map(cell).join(',')];
  for (const row of rows) {
    const fixed = [row.type, String(row.epoch), String(row.step), num(lossOf(row)), num(row.lr)];
    lines.push([...fixed, ...metricNames.map((name) => num(row.metrics[name]))].join(','));
  }
  return `${lines.join('\n')}\n`;
}
