import type { RunRecord } from '../../../storage/storageRecords.ts';
import { formatBytes } from '../../../storage/formatBytes.ts';
import { useCompanionStore } from '../../../store/companionStore.ts';
import { useEvaluateStore } from '../../../store/evaluateStore.ts';
import { inProgressStatuses, runSeries, useRunsStore } from '../../../store/runsStore.ts';
import { useSessionStore } from '../../../store/sessionStore.ts';
import { formatMetric } from '../common/formatMetric.ts';
import { ProgressBar } from '../common/ProgressBar.tsx';
import { RunPicker } from '../runs/RunPicker.tsx';
import { useRunProgress } from './useRunProgress.ts';

interface TrainControlsProps {
  /** The run the page shows. */
  run: RunRecord | undefined;
  /** Why Start is not possible now, or undefined when it is. */
  startBlocked?: string;
  onStart(): void;
}

/** Opens the Evaluate page on a run: where a finished run's real numbers are. */
function evaluate(runId: string): void {
  useEvaluateStore.getState().select(runId);
  useSessionStore.getState().navigate('evaluate');
}

const fail = (e: unknown) => useSessionStore.getState().notify(e instanceof Error ? e.message : String(e), 'error');

/** Start / pause / resume / stop, the focused run's progress, throughput and memory, and the resume banner. */
export function TrainControls({ run, startBlocked, onStart }: TrainControlsProps) {
  const activeRunId = useRunsStore((s) => s.activeRunId);
  const backend = useSessionStore((s) => s.backend);
  const progress = useRunProgress(run);
  const runs = useRunsStore.getState();
  const active = run !== undefined && run.id === activeRunId && inProgressStatuses.has(run.status);
  const last = run ? runSeries(run.id)?.lastStep : undefined;
  const begin = run ? runSeries(run.id)?.begin : undefined;
  const resumable =
    run !== undefined && !active && activeRunId === undefined && (run.status === 'interrupted' || (run.status === 'stopped' && run.resumeFrom !== undefined));

  return (
    <section className="panel train-controls" aria-label="Training controls">
      <div className="button-row">
        <button type="button" data-testid="train.start" disabled={startBlocked !== undefined} title={startBlocked} onClick={onStart}>
          Start training
        </button>
        {active && run.status !== 'paused' && (
          <button type="button" className="secondary" data-testid="train.pause" disabled={run.status !== 'running'} onClick={() => runs.pause(run.id)}>
            Pause
          </button>
        )}
        {active && run.status === 'paused' && (
          <button type="button" className="secondary" data-testid="train.resume" onClick={() => runs.resume(run.id)}>
            Resume
          </button>
        )}
        {active && (
          <button type="button" className="danger" data-testid="train.stop" onClick={() => runs.stop(run.id)}>
            Stop
          </button>
        )}
        {run?.remote && inProgressStatuses.has(run.status) && (
          <button type="button" className="danger" data-testid="train.stopRemote" onClick={() => void useCompanionStore.getState().cancel(run.id).catch(fail)}>
            Stop on the companion
          </button>
        )}
        {run && !active && run.epochsDone > 0 && (
          <button type="button" className="secondary" data-testid="train.evaluate" onClick={() => evaluate(run.id)}>
            Evaluate this run
          </button>
        )}
        {startBlocked && <span className="muted">{startBlocked}</span>}
        <RunPicker />
      </div>

      {resumable && (
        <div className="banner" role="status">
          <span>
            {run.status === 'interrupted' ? 'Interrupted' : 'Stopped'} at epoch {run.resumeFrom?.epoch ?? run.epochsDone}
            {run.resumeFrom ? '' : ' (no checkpoint yet: resuming starts over)'}
          </span>
          <button type="button" data-testid="train.resumeRun" onClick={() => runs.resumeRun(run.id).catch(fail)}>
            Resume
          </button>
        </div>
      )}

      {run && progress && (
        <div className="run-progress" data-testid="train.progress" data-run-id={run.id} data-status={run.status} data-epoch={run.epochsDone}>
          <div className="run-progress-line">
            <strong>{run.name}</strong>
            <span data-testid="train.status" className={`status-pill status-${run.status}`}>
              {run.status}
            </span>
            <span>{progress.text}</span>
          </div>
          <ProgressBar fraction={progress.fraction} label={`Progress of run ${run.name}`} />
          <dl className="figures">
            <div>
              <dt>Throughput</dt>
              <dd>{last ? `${formatMetric(last.samplesPerSec)} samples/s` : '—'}</dd>
            </div>
            <div>
              <dt>GPU memory</dt>
              <dd>{last?.memory.numBytesInGPU !== undefined ? formatBytes(last.memory.numBytesInGPU) : '—'}</dd>
            </div>
            <div>
              <dt>Backend</dt>
              <dd>{run.backend ?? backend ?? '—'}</dd>
            </div>
            <div>
              <dt>Last epoch</dt>
              <dd data-testid="train.metrics">
                {run.lastMetrics
                  ? Object.entries(run.lastMetrics)
                      .map(([k, v]) => `${k} ${formatMetric(v)}`)
                      .join(' · ')
                  : '—'}
              </dd>
            </div>
          </dl>
          {run.message && !active && <p className="muted">{run.message}</p>}
          {begin?.cachedFeatures !== undefined && (
            <p className="muted" data-testid="train.cachedFeatures">
              The backbone is frozen whole: its features ({begin.cachedFeatures.toLocaleString('en-US')} values an image) were computed once, and the head trains on them.
            </p>
          )}
          {begin?.unfreezeAfterEpochs !== undefined && (
            <p className="muted" data-testid="train.unfreeze">
              Fine-tuning in two steps: the head trains on the frozen blocks for {begin.unfreezeAfterEpochs} epoch{begin.unfreezeAfterEpochs === 1 ? '' : 's'}, then the whole backbone trains
              {run.epochsDone >= begin.unfreezeAfterEpochs ? ' (unfrozen now).' : '.'}
            </p>
          )}
          {begin?.cachedFeaturesError && <p className="muted">The frozen backbone's features could not be cached ({begin.cachedFeaturesError}); training through the whole model.</p>}
          {run.initialWeightsReport && (
            <details className="muted" data-testid="train.runWeights">
              <summary>Started from pretrained weights: {run.initialWeightsReport[0]}</summary>
              <ul>
                {run.initialWeightsReport.slice(1).map((line) => (
                  <li key={line}>{line}</li>
                ))}
              </ul>
            </details>
          )}
        </div>
      )}
    </section>
  );
}
