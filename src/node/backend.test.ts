import { afterEach, describe, expect, it } from 'vitest';
import { setSimdKernels } from '../kernels/cpu/wasm/simdKernels.ts';
import { initNodeBackend } from './backend.ts';

// A run records the backend and adapter it trained on; on cpu the adapter says which kernels ran.
describe('initNodeBackend on cpu', () => {
  const stockSetting = process.env.STUDIO_STOCK_KERNELS;
  afterEach(async () => {
    if (stockSetting === undefined) delete process.env.STUDIO_STOCK_KERNELS;
    else process.env.STUDIO_STOCK_KERNELS = stockSetting;
    setSimdKernels(true);
    await initNodeBackend('cpu');
  });

  it('names the studio’s kernels and their WebAssembly SIMD loops, which Node has', async () => {
    delete process.env.STUDIO_STOCK_KERNELS;
    expect(await initNodeBackend('cpu')).toEqual({ backend: 'cpu', adapter: 'fast kernels, WebAssembly SIMD' });
  });

  it('says fast kernels alone where SIMD is off', async () => {
    delete process.env.STUDIO_STOCK_KERNELS;
    setSimdKernels(false);
    expect(await initNodeBackend('cpu')).toEqual({ backend: 'cpu', adapter: 'fast kernels' });
  });

  it('says stock kernels under STUDIO_STOCK_KERNELS=1', async () => {
    process.env.STUDIO_STOCK_KERNELS = '1';
    expect(await initNodeBackend('cpu')).toEqual({ backend: 'cpu', adapter: 'stock kernels' });
  });
});
