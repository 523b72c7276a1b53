import { z } from 'zod';
import { Rng } from '../util/rng.ts';
import { validateRunSpec, type RunSpec, type SpecProblem } from './runSpec.ts';

/**
 * A hyperparameter sweep over one base spec: `grid` tries every combination of the listed
 * values; `random` draws `trials` configurations (values from a list, or a number from a
 * range, log-uniform where asked) with a seeded generator, so the same sweep always
 * expands to the same runs. Each configuration becomes one job; their results gather in
 * one comparison.
 */
export type SweepParameter =
  | { path: string; values: (number | string | boolean)[] }
  | { path: string; min: number; max: number; scale?: 'linear' | 'log'; integer?: boolean };

export interface SweepSpec {
  kind: 'grid' | 'random';
  parameters: SweepParameter[];
  /** How many configurations a random sweep draws. */
  trials?: number;
  seed?: number;
}

export interface SweepConfig {
  index: number;
  /** The value each swept path takes in this configuration. */
  params: Record<string, number | string | boolean>;
  spec: RunSpec;
}

/** More runs than this is a typo rather than a plan (and would flood the queue). */
export const MAX_SWEEP_CONFIGS = 256;

const PATH = /^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*)*$/;
const scalar = z.union([z.number().finite(), z.string(), z.boolean()]);
const parameterSchema = z.union([
  z.object({ path: z.string().regex(PATH, { error: 'must be a dotted spec path such as "optimizer.lr"' }), values: z.array(scalar).min(1) }).strict(),
  z
    .object({
      path: z.string().regex(PATH, { error: 'must be a dotted spec path such as "optimizer.lr"' }),
      min: z.number().finite(),
      max: z.number().finite(),
      scale: z.enum(['linear', 'log']).optional(),
      integer: z.boolean().optional(),
    })
    .strict(),
]);
const sweepSchema = z.object({
  kind: z.enum(['grid', 'random']),
  parameters: z.array(parameterSchema).min(1, { error: 'a sweep needs at least one parameter' }),
  trials: z.number().int().min(1).max(MAX_SWEEP_CONFIGS).optional(),
  seed: z.number().int().optional(),
});

export type SweepResult = { ok: true; configs: SweepConfig[] } | { ok: false; problems: SpecProblem[] };

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let cur = target;
  for (const key of keys.slice(0, -1)) {
    const next = cur[key];
    cur = cur[key] = next !== null && typeof next === 'object' && !Array.isArray(next) ? { ...(next as Record<string, unknown>) } : {};
  }
  cur[keys[keys.length - 1]] = value;
}

function draw(p: SweepParameter, rng: Rng): number | string | boolean {
  if ('values' in p) return p.values[rng.int(p.values.length)];
  const log = p.scale === 'log';
  const x = log ? Math.exp(rng.uniform(Math.log(p.min), Math.log(p.max))) : rng.uniform(p.min, p.max);
  // Six significant digits: enough to tell configurations apart, short enough to read in a table.
  return p.integer ? Math.round(x) : Number(x.toPrecision(6));
}

/** Expands a sweep over `base` into validated specs; every problem at once (config index in the path). */
export function expandSweep(base: unknown, sweep: unknown): SweepResult {
  const parsed = sweepSchema.safeParse(sweep);
  if (!parsed.success) {
    return { ok: false, problems: parsed.error.issues.map((i) => ({ path: ['sweep', ...i.path.map(String)].join('.'), message: i.message })) };
  }
  const s = parsed.data as SweepSpec;
  const problems: SpecProblem[] = [];
  s.parameters.forEach((p, i) => {
    if ('min' in p && !(p.max > p.min)) problems.push({ path: `sweep.parameters.${i}`, message: `max must be above min, got ${p.min}..${p.max}` });
    if ('min' in p && p.scale === 'log' && p.min <= 0) problems.push({ path: `sweep.parameters.${i}`, message: `a log range needs min > 0, got ${p.min}` });
    if ('min' in p && s.kind === 'grid') problems.push({ path: `sweep.parameters.${i}`, message: 'a grid sweep lists values; ranges are for random sweeps' });
  });
  const paths = s.parameters.map((p) => p.path);
  const repeated = paths.filter((p, i) => paths.indexOf(p) !== i);
  if (repeated.length > 0) problems.push({ path: 'sweep.parameters', message: `each path is swept once; repeated: ${repeated.join(', ')}` });
  if (s.kind === 'random' && s.trials === undefined) problems.push({ path: 'sweep.trials', message: 'a random sweep needs trials (how many configurations to draw)' });
  const gridSize = s.kind === 'grid' ? s.parameters.reduce((n, p) => n * ('values' in p ? p.values.length : 1), 1) : (s.trials ?? 0);
  if (gridSize > MAX_SWEEP_CONFIGS) problems.push({ path: 'sweep', message: `expands to ${gridSize} runs; at most ${MAX_SWEEP_CONFIGS} are allowed` });
  if (problems.length > 0) return { ok: false, problems };

  const paramSets: Record<string, number | string | boolean>[] = [];
  if (s.kind === 'grid') {
    const lists = s.parameters.map((p) => ('values' in p ? p.values : []));
    for (let i = 0; i < gridSize; i++) {
      const params: Record<string, number | string | boolean> = {};
      let rest = i;
      // The last parameter varies fastest, as nested loops written in order would.
      for (let k = lists.length - 1; k >= 0; k--) {
        params[s.parameters[k].path] = lists[k][rest % lists[k].length];
        rest = Math.floor(rest / lists[k].length);
      }
      paramSets.push(Object.fromEntries(paths.map((p) => [p, params[p]])));
    }
  } else {
    const rng = new Rng(s.seed ?? 0);
    for (let i = 0; i < gridSize; i++) paramSets.push(Object.fromEntries(s.parameters.map((p) => [p.path, draw(p, rng)])));
  }

  const configs: SweepConfig[] = [];
  const baseObject = base !== null && typeof base === 'object' && !Array.isArray(base) ? (base as Record<string, unknown>) : {};
  paramSets.forEach((params, index) => {
    const spec: Record<string, unknown> = { ...baseObject };
    for (const [path, value] of Object.entries(params)) setPath(spec, path, value);
    const label = Object.entries(params)
      .map(([p, v]) => `${p.split('.').pop()}=${String(v)}`)
      .join(' ');
    spec.name = `${typeof baseObject.name === 'string' ? baseObject.name : 'sweep'} [${label}]`.slice(0, 200);
    const result = validateRunSpec(spec);
    if (result.ok) configs.push({ index, params, spec: result.spec });
    else for (const p of result.problems) problems.push({ path: `configs.${index}.${p.path}`, message: p.message });
  });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, configs };
}
