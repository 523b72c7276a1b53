import { useState } from 'react';
import type { RunRecord } from '../../../storage/storageRecords.ts';
import type { RunExportFormat } from '../../../store/runExportFile.ts';
import { runColor } from '../charts/runColor.ts';
import { runsColumns, sortRuns } from './runsTableColumns.ts';

export interface RunsTableActions {
  open(run: RunRecord): void;
  evaluate(run: RunRecord): void;
  rename(run: RunRecord, name: string): void;
  setTags(run: RunRecord, tags: string[]): void;
  remove(run: RunRecord): void;
  exportRun(run: RunRecord, format: RunExportFormat): void;
  /** The whole run as one `.studio-run` file, for another browser; with its dataset, Evaluate works there too. */
  exportBundle(run: RunRecord, includeDataset: boolean): void;
}

interface RunsTableProps {
  runs: readonly RunRecord[];
  selected: ReadonlySet<string>;
  onSelect(runId: string, on: boolean): void;
  actions: RunsTableActions;
}

function NameCell({ run, onRename }: { run: RunRecord; onRename(name: string): void }) {
  const [editing, setEditing] = useState<string>();
  if (editing === undefined) {
    return (
      <span className="name-cell">
        <span className="swatch" style={{ background: runColor(run.id) }} aria-hidden="true" />
        <span>{run.name}</span>
        <button type="button" className="link" aria-label={`Rename run ${run.name}`} title="Rename" data-testid="runs.rename" onClick={() => setEditing(run.name)}>
          ✎
        </button>
      </span>
    );
  }
  const commit = () => {
    if (editing.trim() && editing.trim() !== run.name) onRename(editing);
    setEditing(undefined);
  };
  return (
    <input
      autoFocus
      aria-label={`New name for run ${run.name}`}
      data-testid="runs.renameInput"
      value={editing}
      onChange={(e) => setEditing(e.target.value)}
      onBlur={commit}
      onKeyDown={(e) => {
        if (e.key === 'Enter') commit();
        if (e.key === 'Escape') setEditing(undefined);
      }}
    />
  );
}

function TagsCell({ run, onTags }: { run: RunRecord; onTags(tags: string[]): void }) {
  const [text, setText] = useState<string>();
  const shown = text ?? run.tags.join(', ');
  const commit = () => {
    if (text !== undefined && text !== run.tags.join(', ')) onTags(text.split(','));
    setText(undefined);
  };
  return (
    <input
      className="tags-input"
      placeholder="add tags"
      aria-label={`Tags of run ${run.name}, comma separated`}
      value={shown}
      onChange={(e) => setText(e.target.value)}
      onBlur={commit}
      onKeyDown={(e) => e.key === 'Enter' && commit()}
    />
  );
}

/** Every run, sortable by any column, with selection for the overlay and diff, and per-run actions. */
export function RunsTable({ runs, selected, onSelect, actions }: RunsTableProps) {
  const [sort, setSort] = useState<{ column: string; direction: 'asc' | 'desc' }>({ column: 'created', direction: 'desc' });
  const sorted = sortRuns(runs, sort.column, sort.direction);
  const toggleSort = (column: string) =>
    setSort((s) => ({ column, direction: s.column === column && s.direction === 'desc' ? 'asc' : s.column === column ? 'desc' : 'asc' }));

  return (
    <div className="table-wrap">
      <table className="runs-table" data-testid="runs.table">
        <thead>
          <tr>
            <th scope="col">
              <span className="visually-hidden">Select</span>
            </th>
            {runsColumns.map((c) => (
              <th key={c.id} scope="col" aria-sort={sort.column === c.id ? (sort.direction === 'asc' ? 'ascending' : 'descending') : 'none'}>
                <button type="button" className="sort" onClick={() => toggleSort(c.id)}>
                  {c.title}
                  {sort.column === c.id ? (sort.direction === 'asc' ? ' ▲' : ' ▼') : ''}
                </button>
              </th>
            ))}
            <th scope="col">Tags</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {sorted.map((run) => (
            <tr key={run.id} data-testid="runs.row" data-run-id={run.id} className={selected.has(run.id) ? 'selected' : undefined}>
              <td>
                <input type="checkbox" aria-label={`Select run ${run.name}`} checked={selected.has(run.id)} onChange={(e) => onSelect(run.id, e.target.checked)} />
              </td>
              {runsColumns.map((c) =>
                c.id === 'name' ? (
                  <td key={c.id}>
                    <NameCell run={run} onRename={(name) => actions.rename(run, name)} />
                  </td>
                ) : (
                  <td
                    key={c.id}
                    className={c.id === 'status' ? `status-${run.status}` : c.id === 'dataset' || c.id === 'best' ? 'wraps' : undefined}
                    title={c.id === 'status' ? run.message : c.id === 'backend' ? run.remote?.url : undefined}
                  >
                    {c.text(run)}
                  </td>
                ),
              )}
              <td>
                <TagsCell run={run} onTags={(tags) => actions.setTags(run, tags)} />
              </td>
              <td className="row-actions">
                <span>
                  <button type="button" className="link" aria-label={`Open run ${run.name} on the Train page`} onClick={() => actions.open(run)}>
                    open
                  </button>
                  <button type="button" className="link" aria-label={`Evaluate run ${run.name}`} data-testid="runs.evaluate" onClick={() => actions.evaluate(run)}>
                    evaluate
                  </button>
                  <details className="row-downloads">
                    <summary aria-label={`Download run ${run.name}`}>download</summary>
                    <div className="row-downloads-menu">
                      <button type="button" className="link" aria-label={`Download the spec of run ${run.name}`} onClick={() => actions.exportRun(run, 'spec')}>
                        spec (JSON)
                      </button>
                      <button type="button" className="link" aria-label={`Download the events of run ${run.name} as JSON`} onClick={() => actions.exportRun(run, 'events-json')}>
                        events (JSON)
                      </button>
                      <button type="button" className="link" aria-label={`Download the events of run ${run.name} as CSV`} onClick={() => actions.exportRun(run, 'events-csv')}>
                        events (CSV)
                      </button>
                      <button
                        type="button"
                        className="link"
                        aria-label={`Export run ${run.name} with its dataset as one file, for another browser`}
                        data-testid="runs.exportBundle.withData"
                        onClick={() => actions.exportBundle(run, true)}
                      >
                        whole run + dataset (.studio-run)
                      </button>
                      <button
                        type="button"
                        className="link"
                        aria-label={`Export run ${run.name} without its dataset as one file, for another browser`}
                        data-testid="runs.exportBundle.modelOnly"
                        onClick={() => actions.exportBundle(run, false)}
                      >
                        whole run, no dataset (.studio-run)
                      </button>
                    </div>
                  </details>
                  <button type="button" className="link danger" aria-label={`Delete run ${run.name}`} data-testid="runs.delete" onClick={() => actions.remove(run)}>
                    delete
                  </button>
                </span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
