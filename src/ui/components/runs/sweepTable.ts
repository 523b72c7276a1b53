import type { RunRecord } from '../../../storage/storageRecords.ts';

export interface SweepTable {
  params: string[];
  metrics: string[];
  /** Rows best first by `rankBy` (lower is better for losses, higher otherwise); runs without it last. */
  rows: { run: RunRecord; params: (number | string | boolean | undefined)[]; metrics: (number | undefined)[] }[];
  rankBy?: string;
}

const PREFERRED = ['val_loss', 'val_acc', 'loss', 'acc'];

/** The runs of a sweep side by side: the swept values and the last epoch's (and test) figures, ranked. */
export function sweepTable(runs: readonly RunRecord[]): SweepTable {
  const params = [...new Set(runs.flatMap((r) => Object.keys(r.remote?.params ?? {})))];
  const metricOf = (r: RunRecord): Record<string, number> => ({ ...(r.lastMetrics ?? {}), ...(r.test ?? {}) });
  const present = new Set(runs.flatMap((r) => Object.keys(metricOf(r))));
  const metrics = [...PREFERRED.filter((m) => present.has(m)), ...[...present].filter((m) => !PREFERRED.includes(m) && m.startsWith('test_')).sort()];
  const rankBy = metrics[0];
  const lowerIsBetter = rankBy !== undefined && /loss|error|eer/i.test(rankBy);
  const rows = runs.map((run) => ({ run, params: params.map((p) => run.remote?.params?.[p]), metrics: metrics.map((m) => metricOf(run)[m]) }));
  rows.sort((a, b) => {
    const x = a.metrics[0];
    const y = b.metrics[0];
    if (x === undefined || y === undefined) return x === undefined ? (y === undefined ? 0 : 1) : -1;
    return lowerIsBetter ? x - y : y - x;
  });
  return { params, metrics, rows, ...(rankBy ? { rankBy } : {}) };
}
