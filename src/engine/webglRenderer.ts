/**
 * The device behind WebGL as the driver names it ("ANGLE (NVIDIA, …)", "… SwiftShader
 * driver)"), when the browser tells: the unmasked renderer where the debug extension is
 * offered, else the plain one. An OffscreenCanvas, so it works in a worker and on a page.
 */
export function webglRenderer(): string {
  try {
    const gl = new OffscreenCanvas(1, 1).getContext('webgl2');
    if (!gl) return 'webgl2';
    const debug = gl.getExtension('WEBGL_debug_renderer_info');
    const renderer = String(gl.getParameter(debug ? debug.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    return renderer;
  } catch {
    return 'webgl2';
  }
}
