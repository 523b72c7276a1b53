import { useState, type ChangeEvent, type DragEvent } from 'react';
import { entriesFromDataTransfer } from '../../../import/entriesFromDataTransfer.ts';
import { entriesFromFileList } from '../../../import/entriesFromFileList.ts';
import type { ImportEntry } from '../../../import/importFiles.ts';
import { useDatasetsStore } from '../../../store/datasetsStore.ts';
import type { DatasetRecord } from '../../../storage/storageRecords.ts';
import { formatDuration } from '../common/formatDuration.ts';

/** A name for a new dataset from what was picked: the common top folder, else the first file's stem. */
function suggestedName(entries: ImportEntry[]): string {
  const tops = new Set(entries.map((e) => (e.path.includes('/') ? e.path.split('/')[0] : '')));
  const [only] = [...tops];
  if (tops.size === 1 && only) return only;
  if (entries.length === 1) return entries[0].path.replace(/\.[^.]*$/, '');
  return `Import ${new Date().toLocaleString()}`;
}

/**
 * Bringing images in: a drop zone (folders too), a folder picker and a file / zip picker,
 * into a new dataset or, when the user picks it for this import, the selected one; then a
 * progress bar with counts, speed, ETA and cancel, and a report listing every file that
 * did not import, with its reason. Each import starts a new dataset unless asked otherwise:
 * the dataset an import creates becomes the selected one, so a target that stayed on
 * "selected" would silently merge the next folder into it.
 */
export function ImportPanel({ selected }: { selected: DatasetRecord | undefined }) {
  const imports = useDatasetsStore((s) => s.imports);
  const [intoSelected, setIntoSelected] = useState(false);
  const [newName, setNewName] = useState('');
  const [dragging, setDragging] = useState(false);
  const useSelected = intoSelected && selected !== undefined;

  function start(entries: ImportEntry[]) {
    if (entries.length === 0) return;
    const target = useSelected ? { datasetId: selected.id } : { newName: newName.trim() || suggestedName(entries) };
    void useDatasetsStore.getState().importEntries(entries, target);
    // A merge is chosen for one import at a time; the next goes to a new dataset again.
    setIntoSelected(false);
    setNewName('');
  }

  function importPicked(e: ChangeEvent<HTMLInputElement>) {
    start(entriesFromFileList(e.target.files ?? []));
    // Cleared so picking the same folder again (after fixing files in it) fires a change.
    e.target.value = '';
  }

  function onDrop(e: DragEvent) {
    e.preventDefault();
    setDragging(false);
    // Read the items now: the browser empties them once this handler returns.
    entriesFromDataTransfer(e.dataTransfer.items).then(start, (err: unknown) =>
      useDatasetsStore.setState({ error: `could not read what was dropped: ${err instanceof Error ? err.message : String(err)}` }),
    );
  }

  const p = imports.progress;
  const report = imports.report;
  return (
    <section className="ds-panel ds-import" aria-label="import images">
      <h2>Import</h2>
      <fieldset className="ds-target">
        <legend>Into</legend>
        <label>
          <input type="radio" name="ds-import-target" checked={!useSelected} onChange={() => setIntoSelected(false)} data-testid="datasets.importNew" />
          a new dataset{' '}
          <input
            aria-label="name of the new dataset"
            data-testid="datasets.importName"
            placeholder="named after the folder"
            value={newName}
            onChange={(e) => setNewName(e.target.value)}
            onFocus={() => setIntoSelected(false)}
          />
        </label>
        <label>
          <input type="radio" name="ds-import-target" checked={useSelected} disabled={!selected} onChange={() => setIntoSelected(true)} data-testid="datasets.importSelected" />
          {selected ? `add to the selected dataset “${selected.name}”` : 'add to the selected dataset (none selected)'}
        </label>
      </fieldset>

      <div
        className={`ds-dropzone${dragging ? ' is-over' : ''}`}
        data-testid="datasets.dropZone"
        aria-label="drop folders, images, JSON labels or zip archives here"
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        <p>Drop a folder (one sub-folder per class), images with JSON labels, or a zip here</p>
        <div className="ds-pickers">
          <label className="ds-file-button">
            Choose a folder…
            <input
              type="file"
              multiple
              // webkitdirectory is not in React's typings; every current browser supports it.
              {...{ webkitdirectory: '' }}
              aria-label="import a folder"
              data-testid="datasets.importFolder"
              disabled={imports.running}
              onChange={importPicked}
            />
          </label>
          <label className="ds-file-button">
            Choose files or a zip…
            <input
              type="file"
              multiple
              accept="image/*,.pgm,.ppm,.pnm,.json,.zip,application/json,application/zip"
              aria-label="import files or a zip archive"
              data-testid="datasets.importFiles"
              disabled={imports.running}
              onChange={importPicked}
            />
          </label>
        </div>
      </div>

      {imports.running && (
        <div className="ds-progress" data-testid="datasets.importProgress" role="status" aria-live="polite">
          <progress max={p?.total || 1} value={p?.done ?? 0} aria-label="import progress" />
          <span>
            {p ? `${p.done} / ${p.total} files · ${p.imported} imported · ${p.bad} bad · ${p.filesPerSec.toFixed(1)} files/s · ${formatDuration(p.etaSec)} left` : 'starting…'}
            {imports.target ? ` · into “${imports.target}”` : ''}
          </span>
          <button type="button" className="ds-button-quiet" data-testid="datasets.importCancel" onClick={() => useDatasetsStore.getState().cancelImport()}>
            Cancel
          </button>
        </div>
      )}

      {imports.error && (
        <p className="ds-error" role="alert" data-testid="datasets.importError">
          Import failed: {imports.error}
        </p>
      )}

      {report && !imports.running && (
        <div className="ds-report" data-testid="datasets.importReport">
          <p role="status">
            {report.cancelled
              ? `Import cancelled: nothing was added to “${report.datasetName}”.`
              : `Imported ${report.imported} ${report.imported === 1 ? 'image' : 'images'} into “${report.datasetName}”${report.bad.length ? `; ${report.bad.length} ${report.bad.length === 1 ? 'file was' : 'files were'} not imported:` : '.'}`}
          </p>
          {report.bad.length > 0 && (
            <ul className="ds-bad" data-testid="datasets.badFiles">
              {report.bad.map((b, i) => (
                <li key={`${i}:${b.path}`}>
                  <code>{b.path}</code> — {b.reason}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </section>
  );
}
