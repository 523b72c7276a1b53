import { useCallback, useEffect } from 'react';
import { runSeries, useRunsStore } from '../../../store/runsStore.ts';
import { accuracyLines, lossLines, lrLines } from './runChartSeries.ts';
import { MetricChart, type XAxisMode } from './MetricChart.tsx';
import { runColor } from './runColor.ts';
import { useStaggered } from '../common/useStaggered.ts';

/**
 * A run's three live charts: loss, accuracy (or the task's metric) and learning rate, their
 * hovers synced (one x shows on all three, on the charts with the same x axis). Each redraws in its own task, 150 ms apart (the store announces new points at most
 * every 500 ms), so no redraw holds the main thread long enough to delay typing or clicks.
 */
export function RunCharts({ runId }: { runId: string }) {
  const version = useRunsStore((s) => s.seriesVersion[runId] ?? -1);
  const task = useRunsStore((s) => s.runs.find((r) => r.id === runId)?.spec.task.kind ?? 'classification');
  const lossVersion = useStaggered(version, 0);
  const accuracyVersion = useStaggered(version, 150);
  const lrVersion = useStaggered(version, 300);
  const name = useRunsStore((s) => s.runs.find((r) => r.id === runId)?.name ?? runId);
  const color = runColor(runId);

  useEffect(() => {
    void useRunsStore.getState().loadSeries(runId);
  }, [runId]);

  const loss = useCallback((axis: XAxisMode) => lossLines(runSeries(runId), axis, color), [runId, color]);
  const accuracy = useCallback((axis: XAxisMode) => accuracyLines(runSeries(runId), axis, color, task), [runId, color, task]);
  const lr = useCallback(() => lrLines(runSeries(runId), color), [runId, color]);

  return (
    <div className="charts">
      <MetricChart testId="chart.loss" title="Loss" series={loss} version={lossVersion} axisToggle syncGroup={runId} fileName={`${name} loss`} />
      <MetricChart
        testId="chart.acc"
        title={task === 'embedding' ? 'Accuracy / verification' : 'Accuracy'}
        series={accuracy}
        version={accuracyVersion}
        axisToggle
        syncGroup={runId}
        fileName={`${name} accuracy`}
        mountDelayMs={150}
      />
      <MetricChart testId="chart.lr" title="Learning rate" series={lr} version={lrVersion} smoothable={false} syncGroup={runId} fileName={`${name} learning rate`} mountDelayMs={300} />
    </div>
  );
}
