import type { BenchCase } from './benchCase.ts';
import type { BenchEngineId } from './benchEngines.ts';
import type { EngineTiming } from './sideBySide.ts';

/** What bench.html runs: the CLI passes it as `?config=<json>`. */
export interface BrowserBenchConfig {
  cases: BenchCase[];
  /** Timed steps per case before each engine's step factor (and as many warm-up steps). */
  steps: number;
  engines: BenchEngineId[];
  /** Before timing the studio's WebGPU kernels, check them against stock on this adapter (issue 6's parity grid). */
  parity?: boolean;
}

/** The studio's WebGPU kernels against stock's on the browser's adapter, case by case. */
export interface BrowserParity {
  adapter: string;
  tolerance: number;
  cases: { label: string; relativeError: number }[];
  /** The cases over the tolerance: on a sound adapter, none. */
  failures: string[];
}

/** The adapter or renderer an engine ran on, as the browser names it, or why it did not start. */
export interface EngineAdapter {
  engine: BenchEngineId;
  adapter?: string;
  error?: string;
}

export interface BrowserBenchResult {
  userAgent: string;
  adapters: EngineAdapter[];
  timings: EngineTiming[];
  parity?: BrowserParity;
}

/** bench.html's progress, read by the CLI as `window.studioBench`. */
export interface BenchPageState {
  state: 'idle' | 'running' | 'done' | 'failed';
  result?: BrowserBenchResult;
  error?: string;
}
