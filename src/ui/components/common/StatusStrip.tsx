import { formatBytes } from '../../../storage/formatBytes.ts';
import { inProgressStatuses, runSeries, useRunsStore } from '../../../store/runsStore.ts';
import { useSessionStore } from '../../../store/sessionStore.ts';
import { backendLabel } from './backendLabel.ts';
import { ProgressBar } from './ProgressBar.tsx';
import { useRunProgress } from '../train/useRunProgress.ts';

/** Always visible: the compute, GPU memory, storage, and the run in progress with its bar (a click opens it). */
export function StatusStrip() {
  const backend = useSessionStore((s) => s.backend);
  const adapter = useSessionStore((s) => s.adapter);
  const engineError = useSessionStore((s) => s.engineError);
  const passedOver = useSessionStore((s) => s.passedOver);
  const storage = useSessionStore((s) => s.storage);
  const active = useRunsStore((s) => s.runs.find((r) => r.id === s.activeRunId && inProgressStatuses.has(r.status)));
  const progress = useRunProgress(active);
  const gpuBytes = active ? runSeries(active.id)?.lastStep?.memory.numBytesInGPU : undefined;

  const openActive = () => {
    if (!active) return;
    useRunsStore.getState().focus(active.id);
    useSessionStore.getState().navigate('train');
  };

  return (
    <div className="status-strip" role="status" aria-label="Studio status">
      <span
        className="status-item status-backend"
        data-testid="status.backend"
        aria-label="compute backend"
        title={passedOver.length > 0 ? `Passed over ${passedOver.join('; ')}` : undefined}
      >
        {backend ? backendLabel(backend, adapter) : engineError ? 'no backend' : 'looking for a GPU…'}
      </span>
      <span className="status-item" data-testid="status.gpuMemory">
        GPU memory {gpuBytes !== undefined ? formatBytes(gpuBytes) : '—'}
      </span>
      <span className="status-item" data-testid="status.storage">
        {storage ? `storage ${formatBytes(storage.usage)} of ${formatBytes(storage.quota)}${storage.persisted ? ' (persistent)' : ''}` : 'storage —'}
      </span>
      {active && progress ? (
        <button type="button" className="status-run" data-testid="status.run" onClick={openActive} aria-label={`Run ${active.name}: ${progress.text}. Open it`}>
          <span>
            {active.name} · {active.status} · {progress.text}
          </span>
          <ProgressBar fraction={progress.fraction} label={`Progress of run ${active.name}`} />
        </button>
      ) : (
        <span className="status-item muted">no run in progress</span>
      )}
    </div>
  );
}
