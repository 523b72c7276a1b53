import { benchCaseLabel, type BenchCase } from './benchCase.ts';
import { BENCH_ENGINES, type BenchEngineId } from './benchEngines.ts';

/** One engine's figure for one case: samples/s, or why there is none. */
export interface EngineTiming {
  engine: BenchEngineId;
  case: BenchCase;
  timedSteps: number;
  samplesPerSec?: number;
  /** WebGPU engines: compute dispatches per training step. */
  dispatchesPerStep?: number;
  error?: string;
}

/** How many times faster `studio` trained than `stock` on the same case. */
export interface EngineRatio {
  studio: BenchEngineId;
  stock: BenchEngineId;
  speedup: number;
}

export interface SideBySideRow {
  case: BenchCase;
  samplesPerSec: Partial<Record<BenchEngineId, number>>;
  ratios: EngineRatio[];
}

/**
 * The comparisons issue 6 sets targets for: the studio on WebGPU against stock tfjs-webgpu
 * (≥3× on a GPU) and tfjs-webgl (≥2×), the studio's cpu kernels against tfjs-cpu (≥10×).
 */
export const RATIO_PAIRS: readonly (readonly [studio: BenchEngineId, stock: BenchEngineId])[] = [
  ['webgpu-studio', 'webgpu-stock'],
  ['webgpu-studio', 'webgl'],
  ['cpu-studio', 'cpu-stock'],
];

const caseKey = (c: BenchCase) => `${benchCaseLabel(c)} b${c.batchSize}`;

/** Cases in order of first appearance, each with every engine's figure and the ratios both sides of a pair have. */
export function sideBySide(timings: readonly EngineTiming[]): SideBySideRow[] {
  const rows = new Map<string, SideBySideRow>();
  for (const t of timings) {
    const key = caseKey(t.case);
    const row = rows.get(key) ?? { case: t.case, samplesPerSec: {}, ratios: [] };
    rows.set(key, row);
    if (t.samplesPerSec !== undefined) row.samplesPerSec[t.engine] = t.samplesPerSec;
  }
  for (const row of rows.values()) {
    for (const [studio, stock] of RATIO_PAIRS) {
      const fast = row.samplesPerSec[studio];
      const slow = row.samplesPerSec[stock];
      if (fast !== undefined && slow !== undefined) row.ratios.push({ studio, stock, speedup: fast / slow });
    }
  }
  return [...rows.values()];
}

export function engineLabel(id: BenchEngineId): string {
  return BENCH_ENGINES.find((e) => e.id === id)?.label ?? id;
}

/** The ratio columns a table of these engines has: the pairs both of whose engines ran. */
export function ratioColumns(engines: readonly BenchEngineId[]): (readonly [BenchEngineId, BenchEngineId])[] {
  return RATIO_PAIRS.filter(([a, b]) => engines.includes(a) && engines.includes(b));
}

/** The side-by-side as text: img/s per engine, then each pair's speedup ("3.10×"); "—" where a figure is missing. */
export function sideBySideLines(rows: readonly SideBySideRow[], engines: readonly BenchEngineId[]): string[] {
  const pairs = ratioColumns(engines);
  const pairLabel = ([a, b]: readonly [BenchEngineId, BenchEngineId]) => `${engineLabel(a)} ÷ ${engineLabel(b)}`;
  const width = (text: string) => Math.max(text.length, 8);
  const header = ['model'.padEnd(26), 'batch'.padStart(5), ...engines.map((e) => engineLabel(e).padStart(width(engineLabel(e)))), ...pairs.map((p) => pairLabel(p).padStart(width(pairLabel(p))))];
  const lines = ['img/s on each engine, then how many times faster the studio trained', header.join(' ')];
  for (const row of rows) {
    const cells = [benchCaseLabel(row.case).padEnd(26), String(row.case.batchSize).padStart(5)];
    for (const e of engines) cells.push((row.samplesPerSec[e]?.toFixed(1) ?? '—').padStart(width(engineLabel(e))));
    for (const p of pairs) {
      const r = row.ratios.find((x) => x.studio === p[0] && x.stock === p[1]);
      cells.push((r ? `${r.speedup.toFixed(2)}×` : '—').padStart(width(pairLabel(p))));
    }
    lines.push(cells.join(' '));
  }
  return lines;
}
