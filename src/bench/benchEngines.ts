/** A tfjs backend in the browser, on the studio's kernels or on stock tfjs's. */
export interface BenchEngine {
  id: BenchEngineId;
  /** How tables name it. */
  label: string;
  backend: 'webgpu' | 'webgl' | 'cpu';
  /** True: the studio's kernels for this backend and its fused batch norm; false: stock tfjs throughout. */
  studioKernels: boolean;
  /** Timed steps relative to the bench's step count: fast engines need more to time, stock cpu cannot afford them. */
  stepFactor: number;
}

export type BenchEngineId = 'webgpu-studio' | 'webgpu-stock' | 'webgl' | 'cpu-studio' | 'cpu-stock';

/**
 * Issue 6's side-by-side: the studio (its Trainer on its WebGPU kernels) against stock
 * tfjs-webgpu, tfjs-webgl and tfjs-cpu, all through the same Trainer so that only the
 * kernels and backends differ (the Node bench's Trainer-vs-model.fit table shows the loop
 * itself costs nothing). The ratios the tables show are sideBySide's RATIO_PAIRS.
 */
export const BENCH_ENGINES: readonly BenchEngine[] = [
  { id: 'webgpu-studio', label: 'studio webgpu', backend: 'webgpu', studioKernels: true, stepFactor: 2 },
  { id: 'webgpu-stock', label: 'tfjs-webgpu', backend: 'webgpu', studioKernels: false, stepFactor: 1 },
  { id: 'webgl', label: 'tfjs-webgl', backend: 'webgl', studioKernels: false, stepFactor: 2 },
  { id: 'cpu-studio', label: 'studio cpu', backend: 'cpu', studioKernels: true, stepFactor: 2 },
  { id: 'cpu-stock', label: 'tfjs-cpu', backend: 'cpu', studioKernels: false, stepFactor: 1 / 3 },
];

export function isBenchEngineId(id: string): id is BenchEngineId {
  return BENCH_ENGINES.some((e) => e.id === id);
}

/** The engines named in `ids`, in the bench's order; an unknown name is an error that lists the known ones. */
export function benchEngines(ids: readonly string[]): BenchEngine[] {
  const unknown = ids.filter((id) => !isBenchEngineId(id));
  if (unknown.length > 0) {
    throw new Error(`unknown bench engine ${unknown.map((u) => `'${u}'`).join(', ')}; known: ${BENCH_ENGINES.map((e) => e.id).join(', ')}`);
  }
  return BENCH_ENGINES.filter((e) => ids.includes(e.id));
}

/** Steps an engine times (and warms up with) for a bench of `steps` steps: at least one. */
export function engineSteps(engine: BenchEngine, steps: number): number {
  return Math.max(1, Math.round(steps * engine.stepFactor));
}
