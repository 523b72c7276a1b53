import { memo, useCallback, useMemo } from 'react';
import type { RunSpec } from '../../core/spec/runSpec.ts';
import { MetricChart } from './MetricChart.tsx';
import { schedulePreview } from './schedulePreview.ts';

/** The LR schedule the draft will follow, drawn before anything trains. */
export const SchedulePanel = memo(function SchedulePanel({ spec, sampleCount }: { spec: RunSpec | undefined; sampleCount: number | undefined }) {
  const preview = useMemo(() => {
    if (!spec || sampleCount === undefined || sampleCount === 0) return undefined;
    try {
      return schedulePreview(spec, sampleCount);
    } catch (e) {
      return e instanceof Error ? e.message : String(e);
    }
  }, [spec, sampleCount]);
  const lines = useCallback(
    () => (typeof preview === 'object' ? [{ key: 'lr', label: 'planned lr', color: 'var(--accent)', kind: 'train' as const, points: preview.points }] : []),
    [preview],
  );

  return (
    <section className="panel" aria-labelledby="schedule-title">
      <h3 id="schedule-title">LR schedule</h3>
      {!spec ? (
        <p className="muted">Fix the problems in the form to see the schedule.</p>
      ) : preview === undefined ? (
        <p className="muted">Choose a dataset to see the schedule (it depends on how many steps an epoch has).</p>
      ) : typeof preview === 'string' ? (
        <p className="field-problem">{preview}</p>
      ) : (
        <>
          <p className="muted" data-testid="train.schedule.estimate">
            About {preview.stepsPerEpoch} steps per epoch, {preview.totalSteps} in all — an estimate from the dataset size until the data is loaded.
            {spec.schedule.type === 'reduceOnPlateau' && ' Reduce-on-plateau lowers the lr only when the monitored metric stalls, so it is drawn flat.'}
          </p>
          <MetricChart testId="chart.schedule" title="Planned learning rate" series={lines} version={preview.totalSteps} smoothable={false} height={160} />
        </>
      )}
    </section>
  );
});
