import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RECIPE_TARGETS, type RecipeTarget } from '../core/evaluate/recipeTargets.ts';

export interface RecipeRow {
  example: string;
  /** Wall-clock seconds of `studio train examples/<example>`: data generation, training and the test split. */
  seconds: number;
  /** `test_<metric>` of each target, as the run's summary has it. */
  results: { target: RecipeTarget; value: number | undefined; met: boolean }[];
}

const BIN = new URL('../../bin/studio.mjs', import.meta.url).pathname;

function trainExample(file: string, out: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'train', join('examples', file), '--out', out], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(0) : reject(new Error(`studio train examples/${file} exited ${code}: ${stderr.trim().split('\n').at(-1) ?? ''}`))));
  });
}

/**
 * Each recipe's `studio train` as a user runs it, one after another on this machine: how
 * long it takes (issue 27 asks for about two minutes on a 2-core laptop) and whether it met
 * its target on the test split. Times belong here, not in tests.
 */
export async function benchRecipes(only?: string[]): Promise<RecipeRow[]> {
  const rows: RecipeRow[] = [];
  const work = await mkdtemp(join(tmpdir(), 'studio-bench-recipes-'));
  try {
    for (const [example, targets] of Object.entries(RECIPE_TARGETS)) {
      if (only && !only.some((o) => example.startsWith(o))) continue;
      const out = join(work, example);
      const start = performance.now();
      await trainExample(example, out);
      const seconds = (performance.now() - start) / 1000;
      const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as { test?: Record<string, number> };
      const results = targets.map((target) => {
        const value = summary.test?.[`test_${target.metric}`];
        const met = value !== undefined && (target.atLeast === undefined || value >= target.atLeast) && (target.atMost === undefined || value <= target.atMost);
        return { target, value, met };
      });
      rows.push({ example, seconds, results });
      console.log(recipeLine(rows.at(-1)!));
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  return rows;
}

export function recipeLine(row: RecipeRow): string {
  const parts = row.results.map(({ target, value, met }) => {
    const bar = target.atLeast !== undefined ? `≥ ${target.atLeast}` : `≤ ${target.atMost}`;
    return `${target.metric} ${value === undefined ? '—' : value.toFixed(3)} (${bar}${met ? '' : ', MISSED'})`;
  });
  return `${row.example.padEnd(44)} ${row.seconds.toFixed(0).padStart(5)} s   ${parts.join('   ')}`;
}
