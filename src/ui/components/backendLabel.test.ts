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
  });
});
