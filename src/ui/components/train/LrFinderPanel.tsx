import { memo, useCallback, useState } from 'react';
import type { LrRangeTestResult } from '../../../core/optim/lrRangeTest.ts';
import type { RunSpecInput } from '../../../core/spec/runSpec.ts';
import { useSessionStore } from '../../../store/sessionStore.ts';
import { formatMetric } from '../common/formatMetric.ts';
import { MetricChart } from '../charts/MetricChart.tsx';

type FinderState = { phase: 'idle' } | { phase: 'running' } | { phase: 'done'; result: LrRangeTestResult } | { phase: 'failed'; message: string };

/** Leslie Smith's LR range test on the draft's data: loss against lr, the suggested lr, and a button to take it. */
export const LrFinderPanel = memo(function LrFinderPanel({ spec, datasetId, disabled, onUse }: { spec: RunSpecInput; datasetId?: string; disabled: boolean; onUse(lr: number): void }) {
  const [state, setState] = useState<FinderState>({ phase: 'idle' });
  const result = state.phase === 'done' ? state.result : undefined;
  const lines = useCallback(
    () => (result ? [{ key: 'loss', label: 'smoothed loss', color: 'var(--accent)', kind: 'train' as const, points: result.lrs.map((x, i) => ({ x, y: result.smoothed[i] })) }] : []),
    [result],
  );

  const run = async () => {
    setState({ phase: 'running' });
    try {
      setState({ phase: 'done', result: await useSessionStore.getState().engine().lrFind(spec, datasetId) });
    } catch (e) {
      setState({ phase: 'failed', message: e instanceof Error ? e.message : String(e) });
    }
  };

  return (
    <section className="panel" aria-labelledby="lrfind-title">
      <h3 id="lrfind-title">LR finder</h3>
      <p className="muted">Trains briefly at growing learning rates and suggests one where the loss falls fastest. The model is thrown away afterwards.</p>
      <button type="button" data-testid="train.lrFind" disabled={disabled || state.phase === 'running'} onClick={() => void run()}>
        {state.phase === 'running' ? 'Finding…' : 'Find a learning rate'}
      </button>
      {state.phase === 'failed' && (
        <p className="field-problem" role="alert">
          The LR finder failed: {state.message}
        </p>
      )}
      {result && (
        <>
          <MetricChart
            testId="chart.lrFind"
            title="Loss against learning rate"
            series={lines}
            version={result.lrs.length}
            smoothable={false}
            logX
            xName="lr"
            marker={{ x: result.suggestedLr, label: `suggested ${formatMetric(result.suggestedLr)}` }}
            height={180}
          />
          <p>
            Suggested learning rate: <strong data-testid="train.lrSuggested">{formatMetric(result.suggestedLr)}</strong>
            {result.stoppedEarly && ' (the loss diverged before the sweep ended)'}{' '}
            <button type="button" className="secondary" data-testid="train.lrUse" onClick={() => onUse(result.suggestedLr)}>
              Use this lr
            </button>
          </p>
        </>
      )}
    </section>
  );
});
