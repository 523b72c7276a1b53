import '@tensorflow/tfjs-backend-webgpu';
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { fastCpuKernels } from '../kernels/cpu/fastCpuKernels.ts';
import type { KernelOverrides } from '../kernels/kernelOverrides.ts';
import { fastWebgpuKernels } from '../kernels/webgpu/fastWebgpuKernels.ts';
import { webgpuAdapterLabel, type WebGpuBackendLike } from '../engine/webgpuAdapterLabel.ts';
import { benchCaseLabel, benchSpec } from './benchCase.ts';
import { benchEngines, engineSteps, type BenchEngine } from './benchEngines.ts';
import type { BrowserBenchConfig, BrowserBenchResult, EngineAdapter } from './browserBench.ts';
import type { EngineTiming } from './sideBySide.ts';
import { timeTrainer } from './timeTrainer.ts';

const STUDIO_KERNELS: Partial<Record<BenchEngine['backend'], KernelOverrides<never>>> = {
  webgpu: fastWebgpuKernels,
  cpu: fastCpuKernels,
};

/** The GPU behind WebGL as the driver names it (SwiftShader, ANGLE on Vulkan, …), when the browser tells. */
function webglRenderer(): string {
  const gl = document.createElement('canvas').getContext('webgl2');
  if (!gl) return 'webgl2';
  const debug = gl.getExtension('WEBGL_debug_renderer_info');
  return String(gl.getParameter(debug ? debug.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
}

async function startEngine(engine: BenchEngine): Promise<string> {
  const kernels = STUDIO_KERNELS[engine.backend];
  if (engine.studioKernels) kernels?.register();
  else kernels?.unregister();
  if (!(await tf.setBackend(engine.backend))) throw new Error(`the ${engine.backend} backend does not start in this browser`);
  await tf.ready();
  if (engine.backend === 'webgpu') return webgpuAdapterLabel(tf.backend() as unknown as WebGpuBackendLike);
  if (engine.backend === 'webgl') return webglRenderer();
  return navigator.hardwareConcurrency ? `${navigator.hardwareConcurrency} logical cores` : 'cpu';
}

/**
 * Every case on every engine, one engine at a time, through the studio's Trainer: the same
 * model, data, batch and loop, only the backend and its kernels differ. An engine that does
 * not start, or a case that fails on it (out of memory, a missing kernel), is recorded with
 * its reason and the bench goes on. The kernel registration found on entry is put back.
 */
export async function runBrowserBench(config: BrowserBenchConfig, say: (line: string) => void): Promise<BrowserBenchResult> {
  const engines = benchEngines(config.engines);
  const wasRegistered = new Map(Object.values(STUDIO_KERNELS).map((k) => [k, k.registered]));
  const adapters: EngineAdapter[] = [];
  const timings: EngineTiming[] = [];
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
      for (const c of config.cases) {
        const timing: EngineTiming = { engine: engine.id, case: c, timedSteps: steps };
        try {
          timing.samplesPerSec = await timeTrainer(c, benchSpec(c, c.batchSize * steps, 2), engine.backend);
          say(`  ${benchCaseLabel(c)}, batch ${c.batchSize}: ${timing.samplesPerSec.toFixed(1)} img/s`);
        } catch (err) {
          timing.error = err instanceof Error ? err.message : String(err);
          say(`  ${benchCaseLabel(c)}, batch ${c.batchSize}: failed (${timing.error})`);
        }
        timings.push(timing);
      }
    }
  } finally {
    for (const [kernels, registered] of wasRegistered) {
      if (registered) kernels.register();
      else kernels.unregister();
    }
  }
  return { userAgent: navigator.userAgent, adapters, timings };
}
