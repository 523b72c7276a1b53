import { useEffect } from 'react';
import type { RunRecord, RunStatus } from '../../../storage/storageRecords.ts';
import { evaluationKey, useEvaluateStore } from '../../../store/evaluateStore.ts';
import { inProgressStatuses, useRunsStore } from '../../../store/runsStore.ts';
import { useSessionStore } from '../../../store/sessionStore.ts';
import { ChanceVerdict } from './ChanceVerdict.tsx';

/** Runs that ended with weights worth judging (a diverged or failed run keeps only its last good checkpoint). */
const JUDGED: ReadonlySet<RunStatus> = new Set<RunStatus>(['completed', 'earlyStopped', 'stopped']);

/**
 * The end of a run on the Train page: evaluates the run's final checkpoint on its test
 * split (the same evaluation, kept in the same store, that the Evaluate page then shows
 * without recomputing) and says whether the model learned. It starts by itself only while
 * no run is queued or training (the engine runs one job at a time; a run started while it
 * predicts is refused); with `autoStart` off it waits for a click.
 */
export function RunVerdict({ run, autoStart = true }: { run: RunRecord; autoStart?: boolean }) {
  const judged = JUDGED.has(run.status) && run.epochsDone > 0;
  const key = evaluationKey(run.id, undefined, 'test');
  const entry = useEvaluateStore((s) => s.results[key]);
  const ensure = useEvaluateStore((s) => s.ensureEvaluated);
  // Never while a run is queued or training: the engine does one job at a time, and a check started
  // on its own must not be why the next run the user starts is refused.
  const training = useRunsStore((s) => s.runs.some((r) => inProgressStatuses.has(r.status)));

  useEffect(() => {
    if (judged && autoStart && !training && !entry) void ensure(run.id);
  }, [judged, autoStart, training, entry, ensure, run.id]);

  if (!judged) return null;
  const open = () => {
    useEvaluateStore.getState().select(run.id);
    useSessionStore.getState().navigate('evaluate');
  };
  return (
    <div className="run-verdict" data-testid="train.verdict.box" data-status={entry?.status ?? 'idle'}>
      {!entry && (
        <button type="button" className="secondary" data-testid="train.verdict.check" onClick={() => void ensure(run.id)}>
          Did it learn? Check on the test split
        </button>
      )}
      {entry?.status === 'running' && (
        <p className="muted" role="status">
          Checking whether the model learned: predicting every image of the test split…
        </p>
      )}
      {entry?.status === 'failed' && (
        <p role="alert">
          Could not check whether the model learned: {entry.error}{' '}
          <button type="button" className="link" onClick={() => void useEvaluateStore.getState().ensureEvaluated(run.id)}>
            Try again
          </button>
        </p>
      )}
      {entry?.report && (
        <>
          <ChanceVerdict report={entry.report} testId="train.verdict" />
          <button type="button" className="secondary" data-testid="train.verdict.open" onClick={open}>
            See the full evaluation
          </button>
        </>
      )}
    </div>
  );
}
