import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { RECIPE_TARGETS } from '../src/core/evaluate/recipeTargets.ts';
import { runCli } from './runCli.ts';

// Every Home card's recipe, trained by the real CLI from its example file exactly as written
// (the Home cards load these same files, seedPresets.test.ts), must reach its target on its
// held-out test split (issue 27). Accuracy targets only: the time each takes is measured by
// `studio bench --recipes`, never asserted here.
const work = mkdtempSync(join(tmpdir(), 'studio-recipes-'));

/**
 * Recipes measured short of their target, with what was measured: skipped (not asserted) until
 * they reach it, and listed in docs/recipes.md. An entry here is an open item of issue 27.
 */
const KNOWN_MISSES: Readonly<Record<string, string>> = {
  '004-expression-efficientnet.json':
    'EfficientNet-B0 from scratch on 7 expressions stays near chance (val top-1 19 % after 8 epochs, 2026-12-05); ResNet-18 ×0.25 reached 27 % test top-1; the face descriptor\'s features do not separate expressions; it needs ImageNet weights (the catalogue) or more data than two minutes allow',
};
vi.setConfig({ testTimeout: 900_000 });

describe('every recipe learns to its target', () => {
  it.each(Object.entries(RECIPE_TARGETS).filter(([file]) => !(file in KNOWN_MISSES)))('%s', async (file, targets) => {
    const out = join(work, file);
    const r = await runCli(['train', join('examples', file), '--out', out]);
    expect(r.code, r.stderr.slice(-2000)).toBe(0);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { test: Record<string, number> };
    for (const t of targets) {
      const value = summary.test[`test_${t.metric}`];
      expect(value, `${file}: test_${t.metric}`).toBeDefined();
      if (t.atLeast !== undefined) expect(value, `${file}: test_${t.metric} ≥ ${t.atLeast}`).toBeGreaterThanOrEqual(t.atLeast);
      if (t.atMost !== undefined) expect(value, `${file}: test_${t.metric} ≤ ${t.atMost}`).toBeLessThanOrEqual(t.atMost);
    }
  });

  it.skip.each(Object.entries(KNOWN_MISSES))('%s (known miss: %s)', () => undefined);
});
