import { describe, expect, it } from 'vitest';
import type { BackendPreference } from './protocol.ts';
import { selectComputeBackend, type StartBackend } from './selectComputeBackend.ts';

// Devices as browsers name them: Chromium's SwiftShader for WebGPU (vendor architecture) and
// through ANGLE for WebGL, as this project's headless Chromium reports them.
const SWIFTSHADER_WEBGPU = 'google swiftshader';
const SWIFTSHADER_WEBGL = 'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)';
const NVIDIA_WEBGPU = 'nvidia ampere — NVIDIA GeForce RTX 3080';
const NVIDIA_WEBGL = 'ANGLE (NVIDIA, NVIDIA GeForce RTX 3080 (0x00002206) Direct3D11 vs_5_0 ps_5_0, D3D11)';

/** A browser whose backends start as given (an adapter name) or fail (an Error); records what was started, in order. */
function browser(devices: Partial<Record<BackendPreference, string | Error>>): { start: StartBackend; started: BackendPreference[] } {
  const started: BackendPreference[] = [];
  const start: StartBackend = async (name) => {
    const device = devices[name] ?? new Error('not available here');
    if (device instanceof Error) throw device;
    started.push(name);
    return { backend: name, adapter: device };
  };
  return { start, started };
}

describe('selectComputeBackend', () => {
  it('trains on a real GPU through WebGPU first, then WebGL, then the cpu kernels', async () => {
    const all = browser({ webgpu: NVIDIA_WEBGPU, webgl: NVIDIA_WEBGL, cpu: 'cpu, WebAssembly SIMD' });
    expect(await selectComputeBackend('auto', all.start)).toEqual({ backend: 'webgpu', adapter: NVIDIA_WEBGPU, passedOver: [] });

    const noWebgpu = browser({ webgl: NVIDIA_WEBGL, cpu: 'cpu' });
    expect(await selectComputeBackend('auto', noWebgpu.start)).toEqual({
      backend: 'webgl',
      adapter: NVIDIA_WEBGL,
      passedOver: ['WebGPU: not available here'],
    });
  });

  it('passes over software renderers on auto, saying which and why', async () => {
    const b = browser({ webgpu: SWIFTSHADER_WEBGPU, webgl: SWIFTSHADER_WEBGL, cpu: 'cpu, WebAssembly SIMD' });
    expect(await selectComputeBackend('auto', b.start)).toEqual({
      backend: 'cpu',
      adapter: 'cpu, WebAssembly SIMD',
      passedOver: [
        `WebGPU: a software renderer (${SWIFTSHADER_WEBGPU}), slower than the CPU kernels`,
        `WebGL: a software renderer (${SWIFTSHADER_WEBGL}), slower than the CPU kernels`,
      ],
    });
    expect(b.started).toEqual(['webgpu', 'webgl', 'cpu']);
  });

  it('keeps a GPU backend on real hardware when only the other one is software', async () => {
    const b = browser({ webgpu: `${NVIDIA_WEBGPU}, fallback adapter`, webgl: NVIDIA_WEBGL, cpu: 'cpu' });
    const s = await selectComputeBackend('auto', b.start);
    expect([s.backend, s.passedOver.length]).toEqual(['webgl', 1]);
  });

  it('trains on a named backend even when it is a software renderer', async () => {
    const b = browser({ webgpu: SWIFTSHADER_WEBGPU, webgl: SWIFTSHADER_WEBGL, cpu: 'cpu' });
    expect(await selectComputeBackend('webgpu', b.start)).toEqual({ backend: 'webgpu', adapter: SWIFTSHADER_WEBGPU, passedOver: [] });
    expect(await selectComputeBackend('webgl', b.start)).toMatchObject({ backend: 'webgl', passedOver: [] });
  });

  it('falls back in the automatic order when the named backend cannot start, and says why', async () => {
    const b = browser({ webgpu: SWIFTSHADER_WEBGPU, webgl: new Error('WebGL2 is disabled'), cpu: 'cpu' });
    expect(await selectComputeBackend('webgl', b.start)).toEqual({
      backend: 'cpu',
      adapter: 'cpu',
      passedOver: ['WebGL: WebGL2 is disabled', `WebGPU: a software renderer (${SWIFTSHADER_WEBGPU}), slower than the CPU kernels`],
    });
  });

  it('uses a software renderer it passed over when nothing after it starts', async () => {
    const b = browser({ webgpu: SWIFTSHADER_WEBGPU, cpu: new Error('blocked') });
    expect(await selectComputeBackend('auto', b.start)).toEqual({
      backend: 'webgpu',
      adapter: SWIFTSHADER_WEBGPU,
      passedOver: ['WebGL: not available here', 'CPU: blocked'],
    });
    expect(b.started).toEqual(['webgpu', 'webgpu']);
  });

  it('says why each backend failed when none starts', async () => {
    const b = browser({ webgpu: new Error('no adapter'), cpu: new Error('blocked') });
    await expect(selectComputeBackend('auto', b.start)).rejects.toThrow('no backend could start (WebGPU: no adapter; WebGL: not available here; CPU: blocked)');
  });
});
