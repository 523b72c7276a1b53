import type { RunRecord } from '../../../storage/storageRecords.ts';
import type { RunSeries } from '../../../store/runSeries.ts';
import { formatDuration } from '../common/formatDuration.ts';

export interface RunProgressFigures {
  fraction: number;
  text: string;
}

/**
 * Where a run stands, in one line and a fraction, from its latest event (or its record when
 * it is not live). A step event's `step` is the number of updates done and its `epoch` the
 * 0-based epoch it ran in (src/core/train/trainer.ts); a run that ended stands at the
 * epochs it finished. The ETA is StepPace's, steady across slow and fast windows.
 */
export function runProgressFigures(
  run: Pick<RunRecord, 'status' | 'spec' | 'epochsDone' | 'step' | 'totalSteps'>,
  series: RunSeries | undefined,
  load?: { done: number; total: number },
): RunProgressFigures {
  const last = series?.lastStep;
  const epochs = run.spec.training.epochs;
  if (run.status === 'loading' && load) {
    return { fraction: load.total ? load.done / load.total : 0, text: `loading data ${load.done} / ${load.total}` };
  }
  const total = series?.begin?.totalSteps ?? run.totalSteps;
  const stepsDone = last ? last.step : run.step;
  const live = run.status === 'running' || run.status === 'paused';
  const finished = run.status === 'completed' || run.status === 'earlyStopped';
  const epochsDone = Math.max(run.epochsDone, series?.epochs.length ?? 0);
  // In progress (or cut off mid-epoch): the epoch being trained, 1-based; finished: the epochs it trained.
  const epochNow = finished ? epochsDone : last && live ? last.epoch + 1 : epochsDone + 1;
  const parts = [`epoch ${Math.min(epochs, Math.max(1, epochNow))} / ${epochs}`];
  if (total) parts.push(`step ${Math.min(stepsDone, total)} / ${total}`);
  if (live && last) {
    const eta = total ? series?.pace.etaSec(last, total, epochs) : undefined;
    parts.push(`ETA ${eta === undefined ? 'estimating…' : formatDuration(eta)}`);
  }
  const fraction = total ? stepsDone / total : epochsDone / epochs;
  return { fraction: Math.min(1, Math.max(0, fraction)), text: parts.join(' · ') };
}
