import { describe, expect, it } from 'vitest';
import type { RunRecord } from '../../../storage/storageRecords.ts';
import { sweepTable } from './sweepTable.ts';

const run = (id: string, lr: number, metrics?: Record<string, number>, test?: Record<string, number>): RunRecord =>
  ({ id, name: id, remote: { url: 'u', jobId: id, sweepId: 's', params: { 'optimizer.lr': lr } }, ...(metrics ? { lastMetrics: metrics } : {}), ...(test ? { test } : {}) }) as unknown as RunRecord;

describe('sweepTable', () => {
  it('ranks runs by validation loss (lowest first), unfinished ones last, with the swept values and test figures', () => {
    const t = sweepTable([run('a', 0.1, { loss: 1, val_loss: 0.9, val_acc: 0.5 }, { test_acc: 0.4 }), run('b', 0.01, { loss: 0.5, val_loss: 0.3, val_acc: 0.8 }, { test_acc: 0.7 }), run('c', 0.001)]);
    expect(t.params).toEqual(['optimizer.lr']);
    expect(t.metrics).toEqual(['val_loss', 'val_acc', 'loss', 'test_acc']);
    expect(t.rankBy).toBe('val_loss');
    expect(t.rows.map((r) => r.run.id)).toEqual(['b', 'a', 'c']);
    expect(t.rows[0].params).toEqual([0.01]);
    expect(t.rows[0].metrics).toEqual([0.3, 0.8, 0.5, 0.7]);
  });

  it('ranks by accuracy, highest first, when no loss was measured', () => {
    const t = sweepTable([run('a', 1, { acc: 0.2 }), run('b', 2, { acc: 0.9 })]);
    expect(t.rows.map((r) => r.run.id)).toEqual(['b', 'a']);
  });
});
