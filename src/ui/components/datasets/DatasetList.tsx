import { useState } from 'react';
import { demoDatasetKinds } from '../../../import/demoDatasets.ts';
import { useDatasetsStore } from '../../../store/datasetsStore.ts';
import type { DatasetRecord } from '../../../storage/storageRecords.ts';
import { DatasetConfirmDialog } from './DatasetConfirmDialog.tsx';

const classSummary = (d: DatasetRecord) => {
  const names = Object.keys(d.classCounts).sort();
  const shown = names.slice(0, 4).join(', ');
  return names.length > 4 ? `${names.length}: ${shown}, …` : names.length > 0 ? `${names.length}: ${shown}` : '—';
};

/** Every stored dataset, newest first: select one to browse it; create, rename, merge, delete, or generate a demo. */
export function DatasetList() {
  const datasets = useDatasetsStore((s) => s.datasets);
  const selectedId = useDatasetsStore((s) => s.selectedId);
  const busy = useDatasetsStore((s) => s.busy);
  const loaded = useDatasetsStore((s) => s.loaded);
  const [name, setName] = useState('');
  const [checked, setChecked] = useState<ReadonlySet<string>>(new Set());
  const [mergeName, setMergeName] = useState('');
  const [renaming, setRenaming] = useState<{ id: string; name: string }>();
  const [deleting, setDeleting] = useState<DatasetRecord>();
  const store = useDatasetsStore.getState;
  // Datasets deleted meanwhile drop out of the merge choice.
  const mergeIds = datasets.filter((d) => checked.has(d.id)).map((d) => d.id);

  const toggle = (id: string) =>
    setChecked((c) => {
      const next = new Set(c);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  return (
    <section className="ds-panel ds-list" aria-label="datasets">
      <div className="ds-list-head">
        <h2>Stored datasets</h2>
        <form
          className="ds-inline"
          onSubmit={(e) => {
            e.preventDefault();
            void store()
              .create(name)
              .then((d) => d && setName(''));
          }}
        >
          <input aria-label="name of a new empty dataset" data-testid="datasets.newName" placeholder="new dataset name" value={name} onChange={(e) => setName(e.target.value)} />
          <button type="submit" data-testid="datasets.create" disabled={name.trim() === ''}>
            Create
          </button>
        </form>
        <form
          className="ds-inline"
          onSubmit={(e) => {
            e.preventDefault();
            void store()
              .merge(mergeIds, mergeName)
              .then((d) => {
                if (!d) return;
                setChecked(new Set());
                setMergeName('');
              });
          }}
        >
          <input aria-label="name of the merged dataset" data-testid="datasets.mergeName" placeholder="merged dataset name" value={mergeName} onChange={(e) => setMergeName(e.target.value)} />
          <button type="submit" data-testid="datasets.merge" disabled={mergeIds.length < 2 || mergeName.trim() === '' || busy !== undefined}>
            Merge {mergeIds.length >= 2 ? mergeIds.length : ''} checked
          </button>
        </form>
      </div>

      <div className="ds-demos" role="group" aria-label="demo datasets">
        <span className="ds-muted">Try a generated dataset:</span>
        {demoDatasetKinds.map((k) => (
          <button
            key={k.kind}
            type="button"
            className="ds-button-quiet"
            data-testid={`datasets.demo.${k.kind}`}
            title={k.description}
            disabled={busy !== undefined}
            onClick={() => void store().createDemo(k.kind)}
          >
            {k.title} demo
          </button>
        ))}
        {busy && (
          <span role="status" className="ds-muted">
            {busy}…
          </span>
        )}
      </div>

      {loaded && datasets.length === 0 ? (
        <p className="ds-muted">No datasets yet. Import a folder below, or try a generated one.</p>
      ) : (
        <table className="ds-table" data-testid="datasets.list">
          <thead>
            <tr>
              <th scope="col">
                <span className="visually-hidden">merge</span>
              </th>
              <th scope="col">name</th>
              <th scope="col">origin</th>
              <th scope="col">images</th>
              <th scope="col">classes</th>
              <th scope="col">version</th>
              <th scope="col">updated</th>
              <th scope="col">
                <span className="visually-hidden">actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {datasets.map((d) => (
              <tr key={d.id} data-testid="datasets.row" data-dataset-id={d.id} aria-current={d.id === selectedId ? "true" : undefined} className={d.id === selectedId ? 'is-selected' : ''}>
                <td>
                  <input type="checkbox" aria-label={`check ${d.name} for merging`} checked={checked.has(d.id)} onChange={() => toggle(d.id)} />
                </td>
                <td>
                  {renaming?.id === d.id ? (
                    <form
                      className="ds-inline"
                      onSubmit={(e) => {
                        e.preventDefault();
                        void store()
                          .rename(d.id, renaming.name)
                          .then(() => setRenaming(undefined));
                      }}
                    >
                      <input aria-label={`new name for ${d.name}`} data-testid="datasets.renameInput" value={renaming.name} autoFocus onChange={(e) => setRenaming({ id: d.id, name: e.target.value })} />
                      <button type="submit">Save</button>
                      <button type="button" className="ds-button-quiet" onClick={() => setRenaming(undefined)}>
                        Cancel
                      </button>
                    </form>
                  ) : (
                    <button type="button" className="ds-link" data-testid="datasets.open" onClick={() => void store().select(d.id)} title={d.description}>
                      {d.name}
                    </button>
                  )}
                </td>
                <td>{d.origin}</td>
                <td data-testid="datasets.sampleCount">{d.sampleCount}</td>
                <td>{classSummary(d)}</td>
                <td>
                  <code title={d.version}>{d.version.slice(0, 8)}</code>
                </td>
                <td>
                  <time dateTime={new Date(d.updatedAt).toISOString()}>{new Date(d.updatedAt).toLocaleString()}</time>
                </td>
                <td className="ds-actions">
                  <button type="button" className="ds-button-quiet" data-testid="datasets.rename" aria-label={`rename ${d.name}`} onClick={() => setRenaming({ id: d.id, name: d.name })}>
                    Rename
                  </button>
                  <button type="button" className="ds-button-danger" data-testid="datasets.delete" aria-label={`delete ${d.name}`} onClick={() => setDeleting(d)}>
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      {deleting && (
        <DatasetConfirmDialog
          title="Delete dataset"
          message={`Delete the dataset “${deleting.name}” and its ${deleting.sampleCount} ${deleting.sampleCount === 1 ? 'image' : 'images'}? Images another dataset also holds stay there. Runs keep their results.`}
          confirmLabel={`Delete “${deleting.name}”`}
          onCancel={() => setDeleting(undefined)}
          onConfirm={() => {
            const id = deleting.id;
            setDeleting(undefined);
            void store().remove(id);
          }}
        />
      )}
    </section>
  );
}
