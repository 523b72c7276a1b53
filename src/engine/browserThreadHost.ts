import type { ThreadHost } from '../kernels/cpu/wasm/cpuThreadPool.ts';
import { startCpuThreads } from '../kernels/cpu/wasm/simdKernels.ts';

/**
 * Starts the cpu kernels' worker threads in a browser, from a Blob URL (the pool's script is
 * self-contained, so no bundler entry is needed). Only a worker may block in `Atomics.wait`;
 * on a page's main thread (the bench page) the pool spins instead.
 */
export const browserThreadHost: ThreadHost = {
  canBlock: typeof document === 'undefined',
  spawn(code) {
    const url = URL.createObjectURL(new Blob([code], { type: 'text/javascript' }));
    try {
      return new Worker(url);
    } finally {
      URL.revokeObjectURL(url);
    }
  },
};

/**
 * Threads for the cpu kernels in a browser: one per logical core but two, one left for the
 * page (the charts, the camera) and one for the browser's own threads (garbage collection,
 * compositing), which the training step's thread otherwise shares a core with; at least one
 * (the training thread alone), at most 16.
 */
export function browserCpuThreads(cores: number | undefined): number {
  return Math.max(1, Math.min(16, (cores ?? 1) - 2));
}

/**
 * Starts the worker threads where the page allows it. Shared WebAssembly memory needs a
 * cross-origin isolated page (served with COOP `same-origin` and COEP `require-corp`, as the
 * studio's dev and preview servers do); elsewhere the kernels run on one thread and the
 * reason goes to the console.
 */
export async function startBrowserCpuThreads(): Promise<number> {
  const wanted = browserCpuThreads(navigator.hardwareConcurrency);
  if (wanted > 1 && !globalThis.crossOriginIsolated) {
    console.info(`the cpu kernels run on one thread: this page is not cross-origin isolated (${wanted} threads would run here)`);
    return 1;
  }
  const { threads, reason } = await startCpuThreads(wanted, browserThreadHost);
  if (reason) console.info(`the cpu kernels run on one thread: ${reason}`);
  return threads;
}
