/** One spec field that differs between runs: its dotted path and each run's value as text ('' when absent). */
export interface SpecDiffRow {
  path: string;
  values: string[];
}

/**
 * Leaf values keyed by dotted path. Arrays are leaves (a milestone list or a crop range
 * reads better whole than as `milestones.0`, `milestones.1`).
 */
export function flattenSpec(value: unknown, prefix = '', out: Map<string, string> = new Map()): Map<string, string> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, child] of Object.entries(value)) flattenSpec(child, prefix ? `${prefix}.${key}` : key, out);
  } else if (value !== undefined) {
    out.set(prefix, typeof value === 'string' ? value : JSON.stringify(value));
  }
  return out;
}

/** The fields on which the specs do not all agree, in path order; `name` is left out (it always differs). */
export function specDiff(specs: readonly unknown[]): SpecDiffRow[] {
  const flat = specs.map((s) => flattenSpec(s));
  const paths = new Set(flat.flatMap((f) => [...f.keys()]));
  paths.delete('name');
  return [...paths]
    .sort()
    .map((path) => ({ path, values: flat.map((f) => f.get(path) ?? '') }))
    .filter((row) => row.values.some((v) => v !== row.values[0]));
}
