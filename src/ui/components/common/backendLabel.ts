import { BACKEND_NAMES } from '../../../engine/protocol.ts';

/** "WebGPU · <adapter>", or the fallback backend by name: what the status strip and the home page say was found. */
export function backendLabel(backend: string, adapter: string | undefined): string {
  if (backend === 'webgpu') return `WebGPU · ${adapter || 'unknown adapter'}`;
  const name = (BACKEND_NAMES as Record<string, string | undefined>)[backend] ?? backend.toUpperCase();
  // The cpu engine's adapter repeats its name before what its kernels use ("cpu, WebAssembly SIMD").
  const detail = adapter?.startsWith(`${backend}, `) ? adapter.slice(backend.length + 2) : adapter;
  return detail && detail !== backend ? `${name} · ${detail}` : name;
}
