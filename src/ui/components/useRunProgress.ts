import type { RunRecord } from '../../storage/storageRecords.ts';
import { runSeries, useRunsStore } from '../../store/runsStore.ts';
import { formatDuration } from './formatDuration.ts';

export interface RunProgressFigures {
  fraction: number;
  text: string;
}

/** Where a run stands, in one line and a fraction, from its latest event (or its record when it is not live). */
export function useRunProgress(run: RunRecord | undefined): RunProgressFigures | undefined {
  // Subscribing to the version redraws the bar as steps arrive.
  useRunsStore((s) => (run ? s.seriesVersion[run.id] : undefined));
  const load = useRunsStore((s) => (run && s.loadProgress?.runId === run.id ? s.loadProgress : undefined));
  if (!run) return undefined;
  const series = runSeries(run.id);
  const last = series?.lastStep;
  const epochs = run.spec.training.epochs;
  if (run.status === 'loading' && load) {
    return { fraction: load.total ? load.done / load.total : 0, text: `loading data ${load.done} / ${load.total}` };
  }
  const total = series?.begin?.totalSteps ?? run.totalSteps;
  const stepsDone = last ? last.step + 1 : run.step;
  const epochNow = Math.min(epochs, (last ? last.epoch : run.epochsDone) + (run.status === 'completed' ? 0 : 1));
  const parts = [`epoch ${Math.max(1, epochNow)} / ${epochs}`];
  if (total) parts.push(`step ${stepsDone} / ${total}`);
  if (last && (run.status === 'running' || run.status === 'paused')) parts.push(`ETA ${formatDuration(last.etaSec)}`);
  const fraction = total ? stepsDone / total : run.epochsDone / epochs;
  return { fraction: Math.min(1, Math.max(0, fraction)), text: parts.join(' · ') };
}
