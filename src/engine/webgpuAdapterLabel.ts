/** What the tfjs-webgpu backend keeps of its adapter and device. */
export interface WebGpuBackendLike {
  adapterInfo?: { vendor?: string; architecture?: string };
  device?: { limits?: { maxBufferSize?: number; maxStorageBufferBindingSize?: number } };
}

/** "vendor architecture — description" from a fresh adapter; tfjs keeps only vendor and architecture. */
export async function webgpuAdapterLabel(backend: WebGpuBackendLike): Promise<string> {
  const fallback = [backend.adapterInfo?.vendor, backend.adapterInfo?.architecture].filter(Boolean).join(' ');
  try {
    // Browsers moved from requestAdapterInfo() to the `info` attribute; the installed types know only the former.
    const adapter = (await navigator.gpu.requestAdapter({ powerPreference: 'high-performance' })) as (GPUAdapter & { info?: GPUAdapterInfo }) | null;
    const info = adapter?.info ?? (await adapter?.requestAdapterInfo?.());
    const head = [info?.vendor, info?.architecture].filter(Boolean).join(' ') || fallback;
    const label = [head, info?.description].filter(Boolean).join(' — ');
    return label || 'unknown WebGPU adapter';
  } catch {
    return fallback || 'unknown WebGPU adapter';
  }
}
