import { splitSamples } from '../core/data/splitSamples.ts';
import { validateRunSpec } from '../core/spec/runSpec.ts';
import type { SampleRecord } from '../storage/storageRecords.ts';

/**
 * What the Datasets page shows about a dataset's samples: the split each would fall in,
 * filters, counts and multi-selection. Pure, so the page logic is tested in Node.
 */

export type SplitName = 'train' | 'val' | 'test';
export const splitNames: readonly SplitName[] = ['train', 'val', 'test'];

/** The split a run with the schema's default split and seed would draw; how the page labels it. */
export interface SplitRule {
  train: number;
  val: number;
  test: number;
  seed: number;
  by: 'stratified' | 'identity';
}

/**
 * The schema's own defaults, read by validating the smallest spec, so the page shows
 * what a run left at its defaults would really do even when those defaults change.
 */
const schemaDefaults = (() => {
  const minimal = {
    version: 2,
    data: { source: { kind: 'memory' }, imageSize: 32 },
    model: { architecture: 'mlp', inputSize: 32 },
    task: { kind: 'classification' },
    loss: { type: 'crossEntropy' },
    optimizer: { type: 'sgd', lr: 0.1 },
    training: { epochs: 1, batchSize: 1 },
  };
  const result = validateRunSpec(minimal);
  if (!result.ok) throw new Error(`the minimal spec no longer validates: ${result.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
  return { split: result.spec.data.split, seed: result.spec.training.seed };
})();

/**
 * The default rule for these samples. A dataset does not know its task, so 'auto' is
 * read the way its content suggests: samples with identities (faces) are split by
 * identity, as an embedding run would; everything else per class.
 */
export function defaultSplitRule(samples: readonly Pick<SampleRecord, 'identity'>[]): SplitRule {
  const { split, seed } = schemaDefaults;
  const by = split.by !== 'auto' ? split.by : samples.some((s) => s.identity !== undefined) ? 'identity' : 'stratified';
  return { train: split.train, val: split.val, test: split.test, seed, by };
}

export function describeSplitRule(rule: SplitRule): string {
  const pct = (f: number) => Math.round(f * 100);
  return (
    `Splits shown as a run with the default split would draw them: ${pct(rule.train)} / ${pct(rule.val)} / ${pct(rule.test)} %, ` +
    `seed ${rule.seed}, ${rule.by === 'identity' ? 'no identity in two splits' : 'stratified by class'}. A run's own seed and fractions decide its split.`
  );
}

/** Split of every sample, by sample id. */
export function sampleSplits(samples: readonly SampleRecord[], rule: SplitRule): Map<string, SplitName> {
  const indices = splitSamples(
    samples.map((s) => ({ id: s.id, className: s.className, ...(s.identity !== undefined ? { identity: s.identity } : {}) })),
    { train: rule.train, val: rule.val, test: rule.test, by: rule.by },
    rule.seed,
  );
  const out = new Map<string, SplitName>();
  for (const name of splitNames) for (const i of indices[name]) out.set(samples[i].id, name);
  return out;
}

export interface SampleFilter {
  className?: string;
  split?: SplitName;
}

export function filterSamples(samples: readonly SampleRecord[], splits: ReadonlyMap<string, SplitName>, filter: SampleFilter): SampleRecord[] {
  if (filter.className === undefined && filter.split === undefined) return samples.slice();
  return samples.filter((s) => (filter.className === undefined || s.className === filter.className) && (filter.split === undefined || splits.get(s.id) === filter.split));
}

export interface SampleCounts {
  byClass: [string, number][];
  bySplit: Record<SplitName, number>;
  /** Per class, per split: shows a class missing from validation at a glance. */
  byClassSplit: Map<string, Record<SplitName, number>>;
}

export function countSamples(samples: readonly SampleRecord[], splits: ReadonlyMap<string, SplitName>): SampleCounts {
  const bySplit: Record<SplitName, number> = { train: 0, val: 0, test: 0 };
  const byClassSplit = new Map<string, Record<SplitName, number>>();
  for (const s of samples) {
    const split = splits.get(s.id);
    let row = byClassSplit.get(s.className);
    if (!row) {
      row = { train: 0, val: 0, test: 0 };
      byClassSplit.set(s.className, row);
    }
    if (split) {
      bySplit[split]++;
      row[split]++;
    }
  }
  const byClass = [...byClassSplit.keys()].sort().map((c): [string, number] => {
    const row = byClassSplit.get(c) as Record<SplitName, number>;
    return [c, row.train + row.val + row.test];
  });
  return { byClass, bySplit, byClassSplit };
}

export interface SelectionClick {
  /** Shift: select the range from the anchor to here. */
  range: boolean;
  /** Ctrl / Cmd: add or remove this one, keeping the rest. */
  toggle: boolean;
}

/**
 * The selection after a click, file-manager style: a plain click selects one and sets
 * the anchor; ctrl toggles one; shift selects the visible range between the anchor and
 * the clicked sample (added to the selection when ctrl is held too).
 */
export function nextSelection(
  current: ReadonlySet<string>,
  anchor: string | undefined,
  clicked: string,
  visibleIds: readonly string[],
  click: SelectionClick,
): { selection: Set<string>; anchor: string } {
  if (click.range && anchor !== undefined) {
    const from = visibleIds.indexOf(anchor);
    const to = visibleIds.indexOf(clicked);
    if (from >= 0 && to >= 0) {
      const selection = click.toggle ? new Set(current) : new Set<string>();
      for (let i = Math.min(from, to); i <= Math.max(from, to); i++) selection.add(visibleIds[i]);
      return { selection, anchor };
    }
  }
  if (click.toggle) {
    const selection = new Set(current);
    if (selection.has(clicked)) selection.delete(clicked);
    else selection.add(clicked);
    return { selection, anchor: clicked };
  }
  return { selection: new Set([clicked]), anchor: clicked };
}
