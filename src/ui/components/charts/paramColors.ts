import type { RunRecord } from '../../../storage/storageRecords.ts';

/** Viridis at five stops: ordered light to dark without red/green, readable by most colour-blind people. */
const VIRIDIS = [
  [68, 1, 84],
  [59, 82, 139],
  [33, 145, 140],
  [94, 201, 98],
  [253, 231, 37],
] as const;
/** The colour of a run that did not set the parameter. */
export const NO_VALUE_COLOR = '#8c959f';

function viridis(t: number): string {
  const at = Math.min(1, Math.max(0, t)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(at));
  const f = at - i;
  const [r, g, b] = VIRIDIS[i].map((c, k) => Math.round(c + (VIRIDIS[i + 1][k] - c) * f));
  return `rgb(${r} ${g} ${b})`;
}

/**
 * Each run's colour by the value it gave a sweep's parameter (W&B's "colour by"): numbers
 * along viridis from the smallest to the largest value, on a log scale when they are all
 * positive and span a factor of ten or more (learning rates, weight decay), so 1e-4, 1e-3
 * and 1e-2 sit evenly apart; other values (an optimizer's name) one even step each, in
 * sorted order. A run without the parameter is grey.
 */
export function paramColors(runs: readonly RunRecord[], param: string): Map<string, string> {
  const valueOf = (r: RunRecord) => r.remote?.params?.[param];
  const values = runs.map(valueOf).filter((v) => v !== undefined);
  const numbers = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  const colors = new Map<string, string>();
  if (numbers.length === values.length && numbers.length > 0) {
    const lo = Math.min(...numbers);
    const hi = Math.max(...numbers);
    const log = lo > 0 && hi / lo >= 10;
    const t = (v: number) => (hi === lo ? 0.5 : log ? Math.log(v / lo) / Math.log(hi / lo) : (v - lo) / (hi - lo));
    for (const r of runs) {
      const v = valueOf(r);
      colors.set(r.id, typeof v === 'number' ? viridis(t(v)) : NO_VALUE_COLOR);
    }
    return colors;
  }
  const distinct = [...new Set(values.map(String))].sort();
  for (const r of runs) {
    const v = valueOf(r);
    colors.set(r.id, v === undefined ? NO_VALUE_COLOR : viridis(distinct.length === 1 ? 0.5 : distinct.indexOf(String(v)) / (distinct.length - 1)));
  }
  return colors;
}
