/**
 * Names that software renderers give themselves: Chromium's SwiftShader (WebGPU's fallback
 * adapter, WebGL through ANGLE), Mesa's llvmpipe / lavapipe / softpipe, Windows' WARP
 * ("Microsoft Basic Render Driver"), and the studio's own note on an adapter that says it
 * is a fallback one.
 */
const SOFTWARE_RENDERER = /swiftshader|llvmpipe|lavapipe|softpipe|basic render driver|software (?:renderer|rasterizer|adapter)|fallback adapter/i;

/**
 * Whether a GPU adapter or WebGL renderer, as named, is a CPU emulating a GPU. On such a
 * device the studio's cpu kernels train several times faster than its GPU kernels (10–20×
 * on SwiftShader in docs/performance.md), so the automatic choice passes it over.
 */
export function isSoftwareAdapter(name: string): boolean {
  return SOFTWARE_RENDERER.test(name);
}
