import { describe, expect, it } from 'vitest';
import { isSoftwareAdapter } from './isSoftwareAdapter.ts';

describe('isSoftwareAdapter', () => {
  // Names as browsers and drivers report them (WebGPU vendor / architecture / description,
  // WebGL's unmasked renderer); the SwiftShader ones are this project's headless Chromium.
  it.each([
    'google swiftshader',
    'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)',
    'llvmpipe (LLVM 15.0.6, 256 bits)',
    'mesa llvmpipe',
    'Microsoft Basic Render Driver',
    'ANGLE (Microsoft, Microsoft Basic Render Driver Direct3D11 vs_5_0 ps_5_0, D3D11)',
    'Apple Software Renderer',
    'google swiftshader, fallback adapter',
    'nvidia ampere, fallback adapter',
  ])('%s is software', (name) => expect(isSoftwareAdapter(name)).toBe(true));

  it.each([
    'nvidia ampere — NVIDIA GeForce RTX 3080',
    'ANGLE (NVIDIA, NVIDIA GeForce RTX 3080 (0x00002206) Direct3D11 vs_5_0 ps_5_0, D3D11)',
    'apple metal-3',
    'intel gen-12lp',
    'ANGLE (Intel, Mesa Intel(R) UHD Graphics 620 (KBL GT2), OpenGL 4.6)',
    'amd rdna-2',
    'webgl2',
  ])('%s is hardware', (name) => expect(isSoftwareAdapter(name)).toBe(false));
});
