import { useState, type DragEvent } from 'react';
import type { RunRecord } from '../../../storage/storageRecords.ts';
import { describeRunImport } from '../../../store/describeRunImport.ts';
import { useDatasetsStore } from '../../../store/datasetsStore.ts';
import { useRunsStore } from '../../../store/runsStore.ts';
import { RUN_BUNDLE_EXTENSION } from '../../../storage/runBundle.ts';

type Outcome = { kind: 'busy'; file: string } | { kind: 'done'; text: string } | { kind: 'failed'; text: string };

/**
 * "Import run": a `.studio-run` file another browser exported, chosen or dropped. The file
 * is checked whole before anything is stored, so a refusal leaves this browser as it was.
 */
export function RunImportBox({ onImported }: { onImported(run: RunRecord): void }) {
  const [outcome, setOutcome] = useState<Outcome>();
  const [dragging, setDragging] = useState(false);
  const busy = outcome?.kind === 'busy';

  async function take(file: File) {
    setOutcome({ kind: 'busy', file: file.name });
    try {
      const result = await useRunsStore.getState().importRunBundle(file);
      // A dataset that came with the run shows on the Datasets page without a reload; the import stands even if that list fails to load.
      void useDatasetsStore
        .getState()
        .refresh()
        .catch(() => undefined);
      setOutcome({ kind: 'done', text: describeRunImport(result) });
      onImported(result.run);
    } catch (e) {
      setOutcome({ kind: 'failed', text: `${file.name}: ${e instanceof Error ? e.message : String(e)}` });
    }
  }

  function onDrop(e: DragEvent) {
    e.preventDefault();
    setDragging(false);
    const file = e.dataTransfer.files[0];
    if (file && !busy) void take(file);
  }

  return (
    <div
      className={`run-import${dragging ? ' is-over' : ''}`}
      data-testid="runs.import"
      onDragOver={(e) => {
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={onDrop}
    >
      <label>
        Import run{' '}
        <input
          type="file"
          accept={`${RUN_BUNDLE_EXTENSION},application/zip`}
          data-testid="runs.import.file"
          disabled={busy}
          onChange={(e) => {
            const file = e.target.files?.[0];
            // Cleared so that choosing the same file again (after fixing it) imports again.
            e.target.value = '';
            if (file) void take(file);
          }}
        />
      </label>
      <span className="muted"> or drop a <code>{RUN_BUNDLE_EXTENSION}</code> file here (exported from Runs in any browser).</span>
      {outcome?.kind === 'busy' && (
        <p className="muted" role="status" data-testid="runs.import.busy">
          Checking {outcome.file}…
        </p>
      )}
      {outcome?.kind === 'done' && (
        <p role="status" data-testid="runs.import.result">
          {outcome.text}
        </p>
      )}
      {outcome?.kind === 'failed' && (
        <p className="field-problem" role="alert" data-testid="runs.import.error">
          {outcome.text}
        </p>
      )}
    </div>
  );
}
