import { describe, expect, it } from 'vitest';
import { backendLabel } from './backendLabel.ts';

describe('backendLabel', () => {
  it('names WebGPU with its adapter, even an unnamed one', () => {
    expect(backendLabel('webgpu', 'google swiftshader')).toBe('WebGPU · google swiftshader');
    expect(backendLabel('webgpu', '')).toBe('WebGPU · unknown adapter');
  });

  it('names a fallback without repeating it', () => {
    expect(backendLabel('webgl', 'webgl')).toBe('WebGL');
    expect(backendLabel('cpu', undefined)).toBe('CPU');
    expect(backendLabel('cpu', 'cpu, WebAssembly SIMD')).toBe('CPU · WebAssembly SIMD');
    expect(backendLabel('cpu', 'cpu, WebAssembly SIMD, 3 threads')).toBe('CPU · WebAssembly SIMD, 3 threads');
    expect(backendLabel('webgl', 'ANGLE (Intel, Mesa Intel(R) UHD Graphics 620, OpenGL 4.6)')).toBe('WebGL · ANGLE (Intel, Mesa Intel(R) UHD Graphics 620, OpenGL 4.6)');
  });
});
