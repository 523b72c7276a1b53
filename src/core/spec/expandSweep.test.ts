import { describe, expect, it } from 'vitest';
import { tinyRunSpec } from '../../../test/tinyRunSpec.ts';
import { expandSweep, MAX_SWEEP_CONFIGS } from './expandSweep.ts';

describe('expandSweep', () => {
  it('expands a grid in nested-loop order, each configuration a validated spec named by its values', () => {
    const r = expandSweep(tinyRunSpec(1), { kind: 'grid', parameters: [{ path: 'optimizer.lr', values: [0.1, 0.01] }, { path: 'model.width', values: [0.25, 0.5, 1] }] });
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    expect(r.configs.map((c) => [c.spec.optimizer.lr, c.spec.model.width])).toEqual([
      [0.1, 0.25], [0.1, 0.5], [0.1, 1], [0.01, 0.25], [0.01, 0.5], [0.01, 1],
    ]);
    expect(r.configs[4].spec.name).toBe('sweep [lr=0.01 width=0.5]');
    // Everything not swept is the base spec's.
    expect(r.configs.every((c) => c.spec.training.epochs === 1 && c.spec.optimizer.type === 'adam')).toBe(true);
  });

  it('draws a random sweep reproducibly from its seed, inside the ranges, log-uniform where asked', () => {
    const sweep = { kind: 'random', trials: 40, seed: 7, parameters: [{ path: 'optimizer.lr', min: 1e-4, max: 1e-1, scale: 'log' }, { path: 'training.batchSize', min: 2, max: 8, integer: true }] };
    const a = expandSweep(tinyRunSpec(1), sweep);
    const b = expandSweep(tinyRunSpec(1), sweep);
    if (!a.ok || !b.ok) throw new Error('sweep refused');
    expect(a.configs.map((c) => c.params)).toEqual(b.configs.map((c) => c.params));
    const lrs = a.configs.map((c) => c.spec.optimizer.lr);
    expect(Math.min(...lrs)).toBeGreaterThanOrEqual(1e-4);
    expect(Math.max(...lrs)).toBeLessThanOrEqual(1e-1);
    // Log-uniform: about as many draws per decade; a linear draw would put ~90% in the top decade.
    expect(lrs.filter((lr) => lr < 1e-2).length).toBeGreaterThan(15);
    expect(a.configs.every((c) => Number.isInteger(c.spec.training.batchSize) && c.spec.training.batchSize >= 2 && c.spec.training.batchSize <= 8)).toBe(true);
    const other = expandSweep(tinyRunSpec(1), { ...sweep, seed: 8 });
    expect(other.ok && other.configs.map((c) => c.params)).not.toEqual(a.configs.map((c) => c.params));
  });

  it('names every problem: bad sweeps, oversize grids, and configurations that make invalid specs', () => {
    const bad = expandSweep(tinyRunSpec(1), { kind: 'random', parameters: [{ path: 'optimizer.lr', min: 0, max: 1, scale: 'log' }, { path: 'optimizer.lr', values: [1] }] });
    expect(bad.ok ? [] : bad.problems.map((p) => p.message)).toEqual([
      'a log range needs min > 0, got 0',
      'each path is swept once; repeated: optimizer.lr',
      'a random sweep needs trials (how many configurations to draw)',
    ]);
    const big = expandSweep(tinyRunSpec(1), { kind: 'grid', parameters: [{ path: 'a.b', values: Array.from({ length: 20 }, (_, i) => i) }, { path: 'a.c', values: Array.from({ length: 20 }, (_, i) => i) }] });
    expect(big.ok ? '' : big.problems[0].message).toBe(`expands to 400 runs; at most ${MAX_SWEEP_CONFIGS} are allowed`);
    const invalid = expandSweep(tinyRunSpec(1), { kind: 'grid', parameters: [{ path: 'training.batchSize', values: [4, 0] }] });
    expect(invalid.ok ? [] : invalid.problems.map((p) => p.path)).toEqual(['configs.1.training.batchSize']);
    const path = expandSweep(tinyRunSpec(1), { kind: 'grid', parameters: [{ path: '__proto__.x', values: [1] }] });
    expect(path.ok).toBe(false);
  });
});
