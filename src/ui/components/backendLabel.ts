/** "WebGPU · <adapter>", or the fallback backend by name: what the status strip and the home page say was found. */
export function backendLabel(backend: string, adapter: string | undefined): string {
  if (backend === 'webgpu') return `WebGPU · ${adapter || 'unknown adapter'}`;
  const name = backend === 'webgl' ? 'WebGL' : backend.toUpperCase();
  return adapter && adapter !== backend ? `${name} · ${adapter}` : name;
}
