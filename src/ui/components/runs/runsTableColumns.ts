import type { RunRecord } from '../../../storage/storageRecords.ts';
import { formatDuration } from '../common/formatDuration.ts';
import { formatMetric } from '../common/formatMetric.ts';

export interface RunsColumn {
  id: string;
  title: string;
  /** What the cell shows. */
  text(run: RunRecord): string;
  /** What the column sorts by: numbers numerically, text alphabetically. */
  sortKey(run: RunRecord): number | string;
}

const best = (run: RunRecord) => run.best ?? (run.lastMetrics?.val_acc !== undefined ? { monitor: 'val_acc', value: run.lastMetrics.val_acc } : undefined);

/** The columns of the Runs table, in order. */
export const runsColumns: readonly RunsColumn[] = [
  { id: 'name', title: 'Name', text: (r) => r.name, sortKey: (r) => r.name.toLowerCase() },
  {
    id: 'dataset',
    title: 'Dataset',
    text: (r) => (r.datasetName ? `${r.datasetName} · v${(r.datasetVersion ?? '').slice(0, 6)}` : r.spec.data.source.kind),
    sortKey: (r) => r.datasetName ?? '',
  },
  { id: 'model', title: 'Model', text: (r) => `${r.architecture} ×${r.spec.model.width}`, sortKey: (r) => r.architecture },
  { id: 'lr', title: 'Optimizer, LR', text: (r) => `${r.spec.optimizer.type} ${formatMetric(r.spec.optimizer.lr)}`, sortKey: (r) => r.spec.optimizer.lr },
  { id: 'batch', title: 'Batch', text: (r) => String(r.spec.training.batchSize), sortKey: (r) => r.spec.training.batchSize },
  { id: 'epochs', title: 'Epochs', text: (r) => `${r.epochsDone} / ${r.spec.training.epochs}`, sortKey: (r) => r.epochsDone },
  {
    id: 'best',
    title: 'Best',
    text: (r) => {
      const b = best(r);
      return b ? `${b.monitor} ${formatMetric(b.value)}` : '—';
    },
    sortKey: (r) => best(r)?.value ?? Number.NEGATIVE_INFINITY,
  },
  { id: 'status', title: 'Status', text: (r) => r.status, sortKey: (r) => r.status },
  { id: 'duration', title: 'Duration', text: (r) => formatDuration(r.activeSec), sortKey: (r) => r.activeSec },
  {
    // Where it trained: the backend, and the companion for a remote run (this tab otherwise).
    id: 'backend',
    title: 'Ran on',
    text: (r) => `${r.backend ?? '—'}${r.remote ? ' · companion' : ''}`,
    sortKey: (r) => `${r.remote ? 1 : 0}${r.backend ?? ''}`,
  },
  {
    id: 'created',
    title: 'Created',
    text: (r) => new Date(r.createdAt).toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }),
    sortKey: (r) => r.createdAt,
  },
];

/** A sorted copy; ties keep the newest first. */
export function sortRuns(runs: readonly RunRecord[], columnId: string, direction: 'asc' | 'desc'): RunRecord[] {
  const column = runsColumns.find((c) => c.id === columnId);
  if (!column) return runs.slice();
  const sign = direction === 'asc' ? 1 : -1;
  return runs.slice().sort((a, b) => {
    const ka = column.sortKey(a);
    const kb = column.sortKey(b);
    const order = typeof ka === 'number' && typeof kb === 'number' ? ka - kb : String(ka).localeCompare(String(kb));
    return order * sign || b.createdAt - a.createdAt;
  });
}
