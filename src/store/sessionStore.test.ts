import { describe, expect, it } from 'vitest';
import { readCompute } from './sessionStore.ts';

describe('readCompute', () => {
  it('takes ?compute= from the URL over the stored choice, and auto when neither names a backend', () => {
    expect(readCompute('?compute=webgpu', 'cpu')).toBe('webgpu');
    expect(readCompute('?kernels=stock', 'webgl')).toBe('webgl');
    expect(readCompute('', null)).toBe('auto');
    expect(readCompute('?compute=tpu', 'gpu')).toBe('auto');
  });
});
