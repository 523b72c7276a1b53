import { describe, expect, it } from 'vitest';
import { sweepFromRows, type SweepRow } from './sweepDraft.ts';

const row = (path: string, values = '', min = '', max = '', log = false): SweepRow => ({ path, values, min, max, log });

describe('sweepFromRows', () => {
  it('reads comma-separated values as numbers, booleans or text, and skips empty rows', () => {
    expect(sweepFromRows('grid', [row('optimizer.lr', '0.1, 1e-2'), row(''), row('optimizer.type', 'adam, sgd'), row('x.y', 'true')], 4, 0)).toEqual({
      sweep: { kind: 'grid', parameters: [{ path: 'optimizer.lr', values: [0.1, 0.01] }, { path: 'optimizer.type', values: ['adam', 'sgd'] }, { path: 'x.y', values: [true] }] },
    });
  });

  it('takes ranges for random sweeps only, with trials and seed', () => {
    expect(sweepFromRows('random', [row('optimizer.lr', '', '0.0001', '0.1', true)], 6, 3)).toEqual({
      sweep: { kind: 'random', trials: 6, seed: 3, parameters: [{ path: 'optimizer.lr', min: 0.0001, max: 0.1, scale: 'log' }] },
    });
    expect(sweepFromRows('grid', [row('optimizer.lr', '', '0.0001', '0.1')], 6, 3)).toEqual({ problem: 'optimizer.lr: list values separated by commas' });
    expect(sweepFromRows('grid', [row('')], 6, 3)).toEqual({ problem: 'add a parameter to sweep' });
  });
});
