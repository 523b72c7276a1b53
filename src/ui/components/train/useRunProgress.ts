import type { RunRecord } from '../../../storage/storageRecords.ts';
import { runSeries, useRunsStore } from '../../../store/runsStore.ts';
import { runProgressFigures, type RunProgressFigures } from './runProgressFigures.ts';

export type { RunProgressFigures };

/** Where a run stands, in one line and a fraction, redrawn as its events arrive. */
export function useRunProgress(run: RunRecord | undefined): RunProgressFigures | undefined {
  // Subscribing to the version redraws the bar as steps arrive.
  useRunsStore((s) => (run ? s.seriesVersion[run.id] : undefined));
  const load = useRunsStore((s) => (run && s.loadProgress?.runId === run.id ? s.loadProgress : undefined));
  if (!run) return undefined;
  return runProgressFigures(run, runSeries(run.id), load);
}
