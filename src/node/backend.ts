import * as tf from '@tensorflow/tfjs-core';
import { existsSync } from 'node:fs';
import { simdKernels, simdKernelsLabel, startCpuThreads, stopCpuThreads } from '../kernels/cpu/wasm/simdKernels.ts';
import { setStudioKernels } from '../kernels/setStudioKernels.ts';
import { STUDIO_KERNEL_SETS } from '../kernels/studioKernelSets.ts';
import { nodeCpuThreads, nodeThreadHost } from './nodeThreadHost.ts';

export type NodeBackendName = 'cpu' | 'webgpu';

export interface BackendInfo {
  backend: NodeBackendName;
  /**
   * Adapter as WebGPU reports it (vendor / architecture, with ', stock kernels' when the
   * studio's WGSL kernels are off); on cpu, which kernels run ('fast kernels', with
   * ', WebAssembly SIMD' where their inner loops use it and ', N threads' when they split
   * them over worker threads, or 'stock kernels').
   */
  adapter: string;
}

/** Chromium's SwiftShader ICD: Dawn rejects Debian's lavapipe, so we point Vulkan here when no GPU driver is set. */
const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

let webgpuModules: Promise<void> | undefined;

function prepareWebgpu(): Promise<void> {
  webgpuModules ??= (async () => {
    if (!process.env.VK_ICD_FILENAMES && !process.env.VK_DRIVER_FILES && existsSync(SWIFTSHADER_ICD)) {
      process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
    }
    process.env.XDG_RUNTIME_DIR ??= '/tmp';
    const { create, globals } = await import('webgpu');
    Object.assign(globalThis, globals);
    const adapterOptions = process.env.STUDIO_DAWN_ADAPTER ? [`adapter=${process.env.STUDIO_DAWN_ADAPTER}`] : [];
    // tfjs-backend-webgpu registers itself only if navigator.gpu exists when it is first imported.
    Object.defineProperty(globalThis, 'navigator', {
      value: { gpu: create(adapterOptions) },
      configurable: true,
      writable: true,
    });
    await import('@tensorflow/tfjs-backend-webgpu');
  })();
  return webgpuModules;
}

/**
 * Chooses the tfjs backend for a Node host. This is the only place in Node code
 * that imports backend packages: the core stays backend-agnostic.
 */
export async function initNodeBackend(name: NodeBackendName): Promise<BackendInfo> {
  // The studio's kernels (issue 6) are the default; STUDIO_STOCK_KERNELS=1 trains on stock tfjs.
  const stock = process.env.STUDIO_STOCK_KERNELS === '1';
  if (name === 'webgpu') {
    stopCpuThreads();
    await prepareWebgpu();
    setStudioKernels([STUDIO_KERNEL_SETS.webgpu], !stock);
    const ok = await tf.setBackend('webgpu');
    if (!ok) {
      throw new Error(
        'WebGPU backend failed to start: no usable adapter (install libvulkan1 and a Vulkan driver, or chromium for SwiftShader)',
      );
    }
    await tf.ready();
    const info = (tf.backend() as unknown as { adapterInfo?: { vendor?: string; architecture?: string } }).adapterInfo;
    const adapter = [info?.vendor, info?.architecture].filter(Boolean).join(' ') || 'unknown';
    return { backend: 'webgpu', adapter: stock ? `${adapter}, stock kernels` : adapter };
  }
  await import('@tensorflow/tfjs-backend-cpu');
  setStudioKernels([STUDIO_KERNEL_SETS.cpu], !stock);
  // The CPU backend greets Node users with advice to install tfjs-node, which downloads
  // libtensorflow at install time and is not what this project runs on; prod mode mutes it.
  tf.enableProdMode();
  const ok = await tf.setBackend('cpu');
  if (!ok) throw new Error('CPU backend failed to start');
  await tf.ready();
  if (stock || !simdKernels()) {
    stopCpuThreads();
    return { backend: 'cpu', adapter: stock ? 'stock kernels' : 'fast kernels' };
  }
  const { threads } = await startCpuThreads(nodeCpuThreads(), nodeThreadHost);
  return { backend: 'cpu', adapter: `fast kernels, ${simdKernelsLabel(threads)}` };
}
