import { describe, expect, it } from 'vitest';
import type { RunRecord } from '../../../storage/storageRecords.ts';
import { runsColumns, sortRuns } from './runsTableColumns.ts';

const run = (id: string, createdAt: number, lr: number, best?: number): RunRecord =>
  ({
    id, name: id, tags: [], createdAt, activeSec: 0, epochsDone: 0, step: 0, status: 'completed', architecture: 'mlp', specHash: '',
    spec: { optimizer: { type: 'adam', lr }, training: { batchSize: 8, epochs: 2 }, model: { width: 1 }, data: { source: { kind: 'memory' } } },
    ...(best !== undefined ? { best: { epoch: 0, monitor: 'val_loss', value: best } } : {}),
  }) as unknown as RunRecord;

describe('sortRuns', () => {
  const runs = [run('b', 2, 0.01, 0.5), run('a', 1, 0.1), run('c', 3, 0.001, 0.2)];

  it('sorts numbers numerically in either direction', () => {
    expect(sortRuns(runs, 'lr', 'asc').map((r) => r.id)).toEqual(['c', 'b', 'a']);
    expect(sortRuns(runs, 'lr', 'desc').map((r) => r.id)).toEqual(['a', 'b', 'c']);
  });

  it('sorts text alphabetically and puts runs without a best value last when descending', () => {
    expect(sortRuns(runs, 'name', 'asc').map((r) => r.id)).toEqual(['a', 'b', 'c']);
    expect(sortRuns(runs, 'best', 'desc').map((r) => r.id)).toEqual(['b', 'c', 'a']);
  });

  it('shows the best metric by its monitor', () => {
    const best = runsColumns.find((c) => c.id === 'best');
    expect(best?.text(runs[0])).toBe('val_loss 0.5');
    expect(best?.text(runs[1])).toBe('—');
  });
});
