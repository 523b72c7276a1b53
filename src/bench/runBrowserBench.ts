import '@tensorflow/tfjs-backend-webgpu';
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { captureStudioKernels, setStudioKernels } from '../kernels/setStudioKernels.ts';
import { simdKernels, simdKernelsLabel, stopCpuThreads } from '../kernels/cpu/wasm/simdKernels.ts';
import { startBrowserCpuThreads } from '../engine/browserThreadHost.ts';
import { STUDIO_KERNEL_SETS } from '../kernels/studioKernelSets.ts';
import { webglRenderer } from '../engine/webglRenderer.ts';
import { webgpuAdapterLabel, type WebGpuBackendLike } from '../engine/webgpuAdapterLabel.ts';
import { benchCaseLabel, benchSpec } from './benchCase.ts';
import { benchEngines, engineSteps, type BenchEngine } from './benchEngines.ts';
import { webgpuParityError } from '../kernels/webgpu/webgpuParity.ts';
import { PARITY_TOLERANCE, WEBGPU_PARITY_CASES, parityCaseLabel } from '../kernels/webgpu/webgpuParityCases.ts';
import type { BrowserBenchConfig, BrowserBenchResult, BrowserParity, EngineAdapter } from './browserBench.ts';
import type { EngineTiming } from './sideBySide.ts';
import { timeTrainer } from './timeTrainer.ts';

async function startEngine(engine: BenchEngine): Promise<string> {
  setStudioKernels(engine.backend === 'webgl' ? [] : [STUDIO_KERNEL_SETS[engine.backend]], engine.studioKernels);
  if (!(await tf.setBackend(engine.backend))) throw new Error(`the ${engine.backend} backend does not start in this browser`);
  await tf.ready();
  // The studio's cpu kernels' worker threads run only while its cpu engine is timed, as in the studio.
  stopCpuThreads();
  if (engine.backend === 'webgpu') return webgpuAdapterLabel(tf.backend() as unknown as WebGpuBackendLike);
  if (engine.backend === 'webgl') return webglRenderer();
  const cores = navigator.hardwareConcurrency ? `${navigator.hardwareConcurrency} logical cores` : 'cpu';
  // The studio's cpu kernels run their inner loops in WebAssembly SIMD where the browser has it, on the threads the studio would use.
  if (!engine.studioKernels || !simdKernels()) return cores;
  const threads = await startBrowserCpuThreads();
  return `${cores}, ${simdKernelsLabel(threads)}`;
}

/** Issue 6's parity grid on the active webgpu backend, the studio's kernels against stock's. */
async function checkParity(adapter: string, say: (line: string) => void): Promise<BrowserParity> {
  const parity: BrowserParity = { adapter, tolerance: PARITY_TOLERANCE, cases: [], failures: [] };
  for (const c of WEBGPU_PARITY_CASES) {
    const label = parityCaseLabel(c);
    const relativeError = await webgpuParityError(c);
    parity.cases.push({ label, relativeError });
    if (!(relativeError < PARITY_TOLERANCE)) {
      parity.failures.push(label);
      say(`  parity: ${label}: relative error ${relativeError.toExponential(2)} exceeds ${PARITY_TOLERANCE}`);
    }
  }
  const worst = Math.max(...parity.cases.map((c) => c.relativeError));
  say(
    parity.failures.length === 0
      ? `  parity: the studio's kernels match stock on all ${parity.cases.length} cases (worst relative error ${worst.toExponential(2)})`
      : `  parity: ${parity.failures.length} of ${parity.cases.length} cases differ from stock on this adapter: its figures below are not to be trusted`,
  );
  return parity;
}

/**
 * Every case on every engine, one engine at a time, through the studio's Trainer: the same
 * model, data, batch and loop, only the backend and its kernels differ. An engine that does
 * not start, or a case that fails on it (out of memory, a missing kernel), is recorded with
 * its reason and the bench goes on. With `config.parity`, the studio's WebGPU kernels are
 * first checked against stock on this adapter. The kernel registration found on entry is
 * put back.
 */
export async function runBrowserBench(config: BrowserBenchConfig, say: (line: string) => void): Promise<BrowserBenchResult> {
  const engines = benchEngines(config.engines);
  const restore = captureStudioKernels(Object.values(STUDIO_KERNEL_SETS));
  const adapters: EngineAdapter[] = [];
  const timings: EngineTiming[] = [];
  let parity: BrowserParity | undefined;
  try {
    for (const engine of engines) {
      let adapter: string;
      try {
        adapter = await startEngine(engine);
      } catch (err) {
        const error = err instanceof Error ? err.message : String(err);
        adapters.push({ engine: engine.id, error });
        say(`${engine.label}: not available here (${error})`);
        continue;
      }
      adapters.push({ engine: engine.id, adapter });
      const steps = engineSteps(engine, config.steps);
      say(`${engine.label} on ${adapter}: ${steps} timed step${steps === 1 ? '' : 's'} per case after as many warm-up steps`);
      if (config.parity && engine.id === 'webgpu-studio') parity = await checkParity(adapter, say);
      for (const c of config.cases) {
        const timing: EngineTiming = { engine: engine.id, case: c, timedSteps: steps };
        try {
          Object.assign(timing, await timeTrainer(c, benchSpec(c, c.batchSize * steps, 2), engine.backend));
          const launches = timing.dispatchesPerStep === undefined ? '' : `, ${Math.round(timing.dispatchesPerStep)} dispatches/step`;
          say(`  ${benchCaseLabel(c)}, batch ${c.batchSize}: ${timing.samplesPerSec!.toFixed(1)} img/s${launches}`);
        } catch (err) {
          timing.error = err instanceof Error ? err.message : String(err);
          say(`  ${benchCaseLabel(c)}, batch ${c.batchSize}: failed (${timing.error})`);
        }
        timings.push(timing);
      }
    }
  } finally {
    restore();
  }
  return { userAgent: navigator.userAgent, adapters, timings, ...(parity ? { parity } : {}) };
}
