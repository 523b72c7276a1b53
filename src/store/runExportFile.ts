import type { TrainEvent } from '../core/train/trainEvent.ts';
import type { RunRecord } from '../storage/storageRecords.ts';
import { runEventsCsv } from './runEventsCsv.ts';

export type RunExportFormat = 'spec' | 'events-json' | 'events-csv';

export interface ExportFile {
  fileName: string;
  type: string;
  text: string;
}

/** A run's name made safe as a file name on every OS. */
export function fileStem(run: Pick<RunRecord, 'name' | 'id'>): string {
  const stem = run.name.replace(/[^\w.-]+/g, '_').replace(/^[._]+|_+$/g, '');
  return stem || `run-${run.id.slice(0, 8)}`;
}

/** What an export button downloads: the spec as JSON (it retrains the run), or the events as JSON or CSV. */
export function runExportFile(run: Pick<RunRecord, 'name' | 'id' | 'spec'>, events: readonly TrainEvent[], format: RunExportFormat): ExportFile {
  const stem = fileStem(run);
  switch (format) {
    case 'spec':
      return { fileName: `${stem}.spec.json`, type: 'application/json', text: `${JSON.stringify(run.spec, null, 2)}\n` };
    case 'events-json':
      return { fileName: `${stem}.events.json`, type: 'application/json', text: `${JSON.stringify(events, null, 1)}\n` };
    case 'events-csv':
      return { fileName: `${stem}.events.csv`, type: 'text/csv', text: runEventsCsv(events) };
  }
}
