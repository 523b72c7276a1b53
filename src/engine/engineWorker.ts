/// <reference lib="webworker" />
import '@tensorflow/tfjs-backend-webgpu';
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { simdKernels, simdKernelsLabel, stopCpuThreads } from '../kernels/cpu/wasm/simdKernels.ts';
import { startBrowserCpuThreads } from './browserThreadHost.ts';
import { setStudioKernels } from '../kernels/setStudioKernels.ts';
import { STUDIO_KERNEL_SETS } from '../kernels/studioKernelSets.ts';
import { browserDecoder } from '../import/browserDecoder.ts';
import { openStudioStorage, type StudioStorage } from '../storage/studioStorage.ts';
import { createEngineHost } from './engineHost.ts';
import { faceApiAssetWeights } from './faceApiAssets.ts';
import { selectComputeBackend, type StartedBackend } from './selectComputeBackend.ts';
import { webglRenderer } from './webglRenderer.ts';
import { webgpuAdapterLabel, type WebGpuBackendLike } from './webgpuAdapterLabel.ts';
import { runLockName, STOCK_KERNELS_WORKER_NAME, type BackendPreference, type FromEngine, type ToEngine } from './protocol.ts';

/**
 * The worker that hosts the training core in the browser: a thin shell that supplies the
 * host's backend choice, storage, image decoder and Web Locks. The page never trains on
 * the main thread, so the UI stays responsive.
 */
declare const self: DedicatedWorkerGlobalScope;

// The studio's kernels (issue 6) are the default: WGSL convolution gradients on WebGPU, and
// fast CPU kernels so browsers with neither WebGPU nor WebGL still train at a usable speed.
// The page names the worker with STOCK_KERNELS_WORKER_NAME (`?kernels=stock`) to compare
// with, or fall back to, stock tfjs.
const stockKernels = self.name === STOCK_KERNELS_WORKER_NAME;
setStudioKernels(Object.values(STUDIO_KERNEL_SETS), !stockKernels);
const kernelsNote = stockKernels ? ', stock kernels' : '';
/**
 * The studio's cpu kernels say when their inner loops run in WebAssembly SIMD and over how
 * many threads, which a run's record keeps. Their worker threads start with the cpu backend
 * and stop when another is started.
 */
async function startCpuKernels(): Promise<string> {
  if (stockKernels) return kernelsNote;
  if (!simdKernels()) return '';
  const threads = await startBrowserCpuThreads();
  return `, ${simdKernelsLabel(threads)}`;
}

/** Starts one backend and names the device behind it, so the automatic choice can pass over a software renderer. */
async function startBackend(name: BackendPreference): Promise<StartedBackend> {
  if (!(await tf.setBackend(name))) throw new Error('not available here');
  await tf.ready();
  if (name === 'cpu') return { backend: name, adapter: `cpu${await startCpuKernels()}` };
  stopCpuThreads();
  if (name === 'webgl') return { backend: name, adapter: webglRenderer() };
  const backend = tf.backend() as unknown as WebGpuBackendLike;
  const limits = backend.device?.limits;
  return {
    backend: name,
    adapter: `${await webgpuAdapterLabel(backend)}${kernelsNote}`,
    ...(limits ? { limits: { maxBufferSize: limits.maxBufferSize, maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize } } : {}),
  };
}

let storage: Promise<StudioStorage> | undefined;

/** One connection for the worker's life, reopened after a failed open or after another tab upgraded the schema. */
function studioStorage(): Promise<StudioStorage> {
  storage ??= openStudioStorage(undefined, { onClosedForUpgrade: () => (storage = undefined) }).catch((err: unknown) => {
    storage = undefined;
    throw err;
  });
  return storage;
}

const host = createEngineHost({
  storage: studioStorage,
  decoder: browserDecoder,
  faceApiWeights: faceApiAssetWeights,
  selectBackend: (compute) => selectComputeBackend(compute, startBackend),
  lockRun: async (runId, work) => {
    await navigator.locks.request(runLockName(runId), work);
  },
  post: (message: FromEngine) => self.postMessage(message),
  now: () => performance.now(),
});

self.onmessage = (e: MessageEvent<ToEngine>) => void host.handle(e.data);
