import type { SweepParameter, SweepSpec } from '../../../core/spec/expandSweep.ts';

/** One row of the sweep builder as typed: a list of values, or a range for random sweeps. */
export interface SweepRow {
  path: string;
  values: string;
  min: string;
  max: string;
  log: boolean;
}

/** Paths people sweep most, offered as suggestions; any spec path may be typed. */
export const COMMON_SWEEP_PATHS = ['optimizer.lr', 'optimizer.weightDecay', 'training.batchSize', 'training.epochs', 'model.width', 'loss.labelSmoothing', 'data.augmentation.mixup.alpha'];

function parseValue(text: string): number | string | boolean {
  const t = text.trim();
  if (t === 'true' || t === 'false') return t === 'true';
  const n = Number(t);
  return t !== '' && Number.isFinite(n) ? n : t;
}

/**
 * The builder's rows as a SweepSpec, or the first thing wrong with them in words. Values
 * are comma-separated ("0.1, 0.01"); a random sweep may give min and max instead.
 */
export function sweepFromRows(kind: SweepSpec['kind'], rows: SweepRow[], trials: number, seed: number): { sweep: SweepSpec } | { problem: string } {
  const used = rows.filter((r) => r.path.trim() !== '');
  if (used.length === 0) return { problem: 'add a parameter to sweep' };
  const parameters: SweepParameter[] = [];
  for (const r of used) {
    const values = r.values.split(',').map((v) => v.trim()).filter((v) => v !== '');
    if (values.length > 0) parameters.push({ path: r.path.trim(), values: values.map(parseValue) });
    else if (kind === 'random' && r.min.trim() !== '' && r.max.trim() !== '') {
      parameters.push({ path: r.path.trim(), min: Number(r.min), max: Number(r.max), ...(r.log ? { scale: 'log' as const } : {}) });
    } else return { problem: `${r.path}: list values separated by commas${kind === 'random' ? ', or give a min and a max' : ''}` };
  }
  return { sweep: { kind, parameters, ...(kind === 'random' ? { trials, seed } : {}) } };
}
