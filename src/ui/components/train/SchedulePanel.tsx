import { memo, useCallback, useMemo } from 'react';
import type { RunSpec } from '../../../core/spec/runSpec.ts';
import { inProgressStatuses, runSeries, useRunsStore } from '../../../store/runsStore.ts';
import { measuredTrainSamples } from './measuredTrainSamples.ts';
import { MetricChart } from '../charts/MetricChart.tsx';
import { schedulePreview } from './schedulePreview.ts';

/**
 * The LR schedule the draft will follow, drawn before anything trains: estimated from the
 * dataset's size, then exact once the shown run, ended, loaded the same data split the
 * same way (its trainBegin counts the training samples).
 */
export const SchedulePanel = memo(function SchedulePanel({ spec, sampleCount, runId }: { spec: RunSpec | undefined; sampleCount: number | undefined; runId: string | undefined }) {
  // Redrawn on the shown run's status alone, never per step or epoch: a training run's page
  // keeps its main thread for the charts. The exact count is taken once the run has ended
  // (a run in progress draws its real learning rate beside this card anyway).
  const status = useRunsStore((s) => s.runs.find((r) => r.id === runId)?.status);
  // Stored runs' series load when their charts mount.
  const seriesLoaded = useRunsStore((s) => (runId ? s.seriesVersion[runId] !== undefined : false));
  const ended = status !== undefined && !inProgressStatuses.has(status);
  const run = ended ? useRunsStore.getState().runs.find((r) => r.id === runId) : undefined;
  const begin = ended && seriesLoaded && runId ? runSeries(runId)?.begin : undefined;
  const measured = spec ? measuredTrainSamples(spec, run, begin) : undefined;
  const preview = useMemo(() => {
    if (!spec || ((sampleCount === undefined || sampleCount === 0) && measured === undefined)) return undefined;
    try {
      return schedulePreview(spec, measured !== undefined ? { trainSamples: measured } : (sampleCount ?? 0));
    } catch (e) {
      return e instanceof Error ? e.message : String(e);
    }
  }, [spec, sampleCount, measured]);
  const lines = useCallback(
    () => (typeof preview === 'object' ? [{ key: 'lr', label: 'planned lr', color: 'var(--accent)', kind: 'train' as const, points: preview.points }] : []),
    [preview],
  );

  return (
    <section className="panel" aria-labelledby="schedule-title" data-run-status={status}>
      <h3 id="schedule-title">LR schedule</h3>
      {!spec ? (
        <p className="muted">Fix the problems in the form to see the schedule.</p>
      ) : preview === undefined ? (
        <p className="muted">Choose a dataset to see the schedule (it depends on how many steps an epoch has).</p>
      ) : typeof preview === 'string' ? (
        <p className="field-problem">{preview}</p>
      ) : (
        <>
          <p className="muted" data-testid="train.schedule.estimate" data-exact={measured !== undefined}>
            {measured !== undefined
              ? `${preview.stepsPerEpoch} steps per epoch, ${preview.totalSteps} in all: ${measured} training images, as run “${run?.name ?? ''}” loaded this data.`
              : `About ${preview.stepsPerEpoch} steps per epoch, ${preview.totalSteps} in all — an estimate from the dataset size until a run loads this data.`}
            {spec.schedule.type === 'reduceOnPlateau' && ' Reduce-on-plateau lowers the lr only when the monitored metric stalls, so it is drawn flat.'}
          </p>
          <MetricChart testId="chart.schedule" title="Planned learning rate" series={lines} version={preview.totalSteps} smoothable={false} height={160} />
        </>
      )}
    </section>
  );
});
