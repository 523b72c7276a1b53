import { useEffect } from 'react';
import { useDatasetsStore } from '../../store/datasetsStore.ts';
import { useSessionStore } from '../../store/sessionStore.ts';
import { formatBytes } from '../../storage/formatBytes.ts';
import { DatasetList } from '../components/datasets/DatasetList.tsx';
import { ImportPanel } from '../components/datasets/ImportPanel.tsx';
import { SampleBrowser } from '../components/datasets/SampleBrowser.tsx';
import { WebcamCapture } from '../components/datasets/WebcamCapture.tsx';
import '../datasets.css';

/** Storage used / quota, and whether the browser promised not to evict it. */
function StorageLine() {
  const storage = useSessionStore((s) => s.storage);
  if (!storage) return null;
  const share = Number.isFinite(storage.quota) && storage.quota > 0 ? ` (${((100 * storage.usage) / storage.quota).toFixed(1)} %)` : '';
  return (
    <p className="ds-muted ds-storage" data-testid="datasets.storage">
      Storage: {formatBytes(storage.usage)} of {formatBytes(storage.quota)} used{share} · {storage.persisted ? 'persistent' : 'may be evicted under storage pressure'}
    </p>
  );
}

/** Datasets: the list, the selected dataset's images, import and webcam capture. */
export function DatasetsPage() {
  const loaded = useDatasetsStore((s) => s.loaded);
  const error = useDatasetsStore((s) => s.error);
  const selected = useDatasetsStore((s) => s.datasets.find((d) => d.id === s.selectedId));

  useEffect(() => {
    void useDatasetsStore.getState().refresh();
    void useSessionStore.getState().refreshStorage().catch(() => undefined);
  }, []);

  return (
    <div className="ds-page">
      <div className="ds-page-head">
        <h1>Datasets</h1>
        <StorageLine />
      </div>
      {error && (
        <div className="ds-error ds-banner" role="alert" data-testid="datasets.error">
          <span>{error}</span>
          <button type="button" className="ds-button-quiet" onClick={() => useDatasetsStore.getState().dismissError()} aria-label="dismiss the error">
            Dismiss
          </button>
        </div>
      )}
      {!loaded ? <p role="status">Reading datasets…</p> : <DatasetList />}
      <div className="ds-columns">
        <div className="ds-main">
          {selected ? (
            <SampleBrowser dataset={selected} />
          ) : (
            <section className="ds-panel">
              <p className="ds-muted">Select a dataset to see its images, or import one.</p>
            </section>
          )}
        </div>
        <aside className="ds-side">
          <ImportPanel selected={selected} />
          <WebcamCapture selected={selected} />
        </aside>
      </div>
    </div>
  );
}
