import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { ThreadHost } from '../kernels/cpu/wasm/cpuThreadPool.ts';

/**
 * Starts the cpu kernels' worker threads in Node. They are unref'd: a worker blocked waiting
 * for its next job must not keep a finished CLI run or test process alive.
 */
export const nodeThreadHost: ThreadHost = {
  canBlock: true,
  spawn(code) {
    const worker = new Worker(code, { eval: true });
    worker.unref();
    return worker;
  },
};

/** More threads than this gain little: the kernels' copies and tfjs's own loops stay on one. */
const MAX_DEFAULT_THREADS = 16;

/**
 * Threads for the cpu kernels: `STUDIO_CPU_THREADS` when set (1 turns the workers off), else
 * one per core the process may use but one, up to 16. The core left is for V8's own threads
 * (garbage collection, compilation), which a training step keeps busy: on this project's
 * 2-core VM a worker sharing the second core with them made MobileNetV2 and EfficientNet-B0
 * steps 6–8% slower (docs/performance.md, "CPU: one thread vs several").
 */
export function nodeCpuThreads(env: Record<string, string | undefined> = process.env, cores = availableParallelism()): number {
  const set = env.STUDIO_CPU_THREADS;
  if (set === undefined || set === '') return Math.max(1, Math.min(MAX_DEFAULT_THREADS, cores - 1));
  const threads = Number(set);
  if (!Number.isInteger(threads) || threads < 1) throw new Error(`STUDIO_CPU_THREADS must be a whole number of at least 1, got "${set}"`);
  return threads;
}
