import { useCallback, useMemo, useState, type KeyboardEvent, type MouseEvent } from 'react';
import { countSamples, describeSplitRule, filterSamples, splitNames, type SplitName } from '../../../store/datasetsBrowse.ts';
import { useDatasetsStore } from '../../../store/datasetsStore.ts';
import type { DatasetRecord, SampleRecord } from '../../../storage/storageRecords.ts';
import { BoxEditor } from './BoxEditor.tsx';
import { DatasetConfirmDialog } from './DatasetConfirmDialog.tsx';
import { SampleCell } from './SampleCell.tsx';
import { VirtualGrid } from './VirtualGrid.tsx';

const PICTURE = 96;
const CELL_WIDTH = 104;
const CELL_HEIGHT = 124;

/** The selected dataset's samples: counts, filters, the thumbnail grid, relabel / delete, and the box editor. */
export function SampleBrowser({ dataset }: { dataset: DatasetRecord }) {
  const samples = useDatasetsStore((s) => s.samples);
  const splits = useDatasetsStore((s) => s.splits);
  const splitRule = useDatasetsStore((s) => s.splitRule);
  const filter = useDatasetsStore((s) => s.filter);
  const selection = useDatasetsStore((s) => s.selection);
  const loading = useDatasetsStore((s) => s.samplesLoading);
  const busy = useDatasetsStore((s) => s.busy);
  const [newClass, setNewClass] = useState('');
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [editing, setEditing] = useState<string>();

  const counts = useMemo(() => countSamples(samples, splits), [samples, splits]);
  const visible = useMemo(() => filterSamples(samples, splits, filter), [samples, splits, filter]);
  const visibleIds = useMemo(() => visible.map((s) => s.id), [visible]);

  const onClick = useCallback(
    (id: string, e: MouseEvent | KeyboardEvent) => useDatasetsStore.getState().clickSample(id, visibleIds, { range: e.shiftKey, toggle: e.ctrlKey || e.metaKey }),
    [visibleIds],
  );
  const onOpen = useCallback((s: SampleRecord) => setEditing(s.id), []);
  const renderCell = useCallback(
    (i: number) => {
      const s = visible[i];
      return <SampleCell key={s.id} sample={s} split={splits.get(s.id)} selected={selection.has(s.id)} size={PICTURE} onClick={onClick} onOpen={onOpen} />;
    },
    [visible, splits, selection, onClick, onOpen],
  );

  const store = useDatasetsStore.getState;
  const classes = counts.byClass.map(([c]) => c);
  const editIndex = editing === undefined ? -1 : visible.findIndex((s) => s.id === editing);

  return (
    <section className="ds-panel ds-browser" aria-label={`samples of ${dataset.name}`}>
      <header className="ds-browser-head">
        <h2>
          {dataset.name} <span className="ds-muted">· {dataset.sampleCount} images · version </span>
          <code data-testid="datasets.version" title={dataset.version}>
            {dataset.version.slice(0, 8)}
          </code>
        </h2>
      </header>

      <div className="ds-counts" data-testid="datasets.classCounts" aria-label="class and split counts">
        <table>
          <thead>
            <tr>
              <th scope="col">class</th>
              <th scope="col">images</th>
              {splitNames.map((n) => (
                <th key={n} scope="col">
                  {n}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {counts.byClass.map(([c, n]) => {
              const row = counts.byClassSplit.get(c);
              return (
                <tr key={c} data-class={c}>
                  <th scope="row">{c}</th>
                  <td data-testid="datasets.classCount">{n}</td>
                  {splitNames.map((split) => (
                    <td key={split}>{row?.[split] ?? 0}</td>
                  ))}
                </tr>
              );
            })}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">all</th>
              <td>{samples.length}</td>
              {splitNames.map((n) => (
                <td key={n} data-testid={`datasets.splitCount.${n}`}>
                  {counts.bySplit[n]}
                </td>
              ))}
            </tr>
          </tfoot>
        </table>
        {splitRule && <p className="ds-muted ds-note">{describeSplitRule(splitRule)}</p>}
      </div>

      <div className="ds-toolbar" role="toolbar" aria-label="filter and label samples">
        <label>
          Class{' '}
          <select aria-label="filter by class" data-testid="datasets.filterClass" value={filter.className ?? ''} onChange={(e) => store().setFilter({ ...filter, className: e.target.value || undefined })}>
            <option value="">all</option>
            {classes.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </label>
        <label>
          Split{' '}
          <select
            aria-label="filter by split"
            data-testid="datasets.filterSplit"
            value={filter.split ?? ''}
            onChange={(e) => store().setFilter({ ...filter, split: (e.target.value || undefined) as SplitName | undefined })}
          >
            <option value="">all</option>
            {splitNames.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
        <span className="ds-muted" data-testid="datasets.selectionCount">
          {visible.length} shown · {selection.size} selected
        </span>
        <button type="button" className="ds-button-quiet" onClick={() => store().setSelection(visibleIds)} disabled={visible.length === 0}>
          Select all shown
        </button>
        <button type="button" className="ds-button-quiet" onClick={() => store().setSelection([])} disabled={selection.size === 0}>
          Clear selection
        </button>
        <form
          className="ds-inline"
          onSubmit={(e) => {
            e.preventDefault();
            void store().relabelSelected(newClass);
          }}
        >
          <input
            aria-label="new class for the selected samples"
            data-testid="datasets.relabelClass"
            list="ds-class-names"
            placeholder="class"
            value={newClass}
            onChange={(e) => setNewClass(e.target.value)}
          />
          <datalist id="ds-class-names">
            {classes.map((c) => (
              <option key={c} value={c} />
            ))}
          </datalist>
          <button type="submit" data-testid="datasets.relabel" disabled={selection.size === 0 || newClass.trim() === '' || busy !== undefined}>
            Relabel {selection.size || ''}
          </button>
        </form>
        <button type="button" className="ds-button-danger" data-testid="datasets.deleteSamples" disabled={selection.size === 0 || busy !== undefined} onClick={() => setConfirmDelete(true)}>
          Delete {selection.size || ''}
        </button>
        <button
          type="button"
          className="ds-button-quiet"
          data-testid="datasets.editBox"
          disabled={visible.length === 0}
          onClick={() => setEditing([...selection][0] ?? visible[0]?.id)}
          title="Open a sample large to draw its box (or double-click a thumbnail)"
        >
          Box editor
        </button>
      </div>

      {loading ? (
        <p role="status">Reading samples…</p>
      ) : samples.length === 0 ? (
        <p className="ds-muted">No images yet: import a folder, a zip or files, or capture from the webcam.</p>
      ) : (
        <VirtualGrid itemCount={visible.length} cellWidth={CELL_WIDTH} cellHeight={CELL_HEIGHT} renderCell={renderCell} label={`images of ${dataset.name}`} testId="datasets.grid" />
      )}

      {confirmDelete && (
        <DatasetConfirmDialog
          title="Delete samples"
          message={`Delete ${selection.size} selected ${selection.size === 1 ? 'image' : 'images'} from "${dataset.name}"? Runs that trained on this version keep their results; the dataset gets a new version.`}
          confirmLabel={`Delete ${selection.size}`}
          onCancel={() => setConfirmDelete(false)}
          onConfirm={() => {
            setConfirmDelete(false);
            void store().deleteSelected();
          }}
        />
      )}
      {editIndex >= 0 && (
        <BoxEditor
          sample={visible[editIndex]}
          position={`${editIndex + 1} of ${visible.length}`}
          onSave={(bbox) => store().setBox(visible[editIndex].id, bbox)}
          onStep={(delta) => setEditing(visible[Math.min(visible.length - 1, Math.max(0, editIndex + delta))].id)}
          onClose={() => setEditing(undefined)}
        />
      )}
    </section>
  );
}
