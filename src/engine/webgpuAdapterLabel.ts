/** What the tfjs-webgpu backend keeps of its adapter and device. */
export interface WebGpuBackendLike {
  adapterInfo?: { vendor?: string; architecture?: string };
  device?: { limits?: { maxBufferSize?: number; maxStorageBufferBindingSize?: number } };
}

/** Where browsers have said an adapter is a fallback (software) one: on its info now, on the adapter before. */
type AdapterWithInfo = GPUAdapter & { info?: GPUAdapterInfo & { isFallbackAdapter?: boolean }; isFallbackAdapter?: boolean };

/**
 * "vendor architecture — description" from a fresh adapter; tfjs keeps only vendor and
 * architecture. An adapter that says it is a fallback one (a software implementation) is
 * labelled so, which `isSoftwareAdapter` reads.
 */
export async function webgpuAdapterLabel(backend: WebGpuBackendLike): Promise<string> {
  const fallback = [backend.adapterInfo?.vendor, backend.adapterInfo?.architecture].filter(Boolean).join(' ');
  try {
    // Browsers moved from requestAdapterInfo() to the `info` attribute; the installed types know only the former.
    const adapter = (await navigator.gpu.requestAdapter({ powerPreference: 'high-performance' })) as AdapterWithInfo | null;
    const info = adapter?.info ?? (await adapter?.requestAdapterInfo?.());
    const head = [info?.vendor, info?.architecture].filter(Boolean).join(' ') || fallback;
    const label = [head, info?.description].filter(Boolean).join(' — ') || 'unknown WebGPU adapter';
    return adapter?.info?.isFallbackAdapter || adapter?.isFallbackAdapter ? `${label}, fallback adapter` : label;
  } catch {
    return fallback || 'unknown WebGPU adapter';
  }
}
