import { afterEach, describe, expect, it } from 'vitest';
import { availableParallelism } from 'node:os';
import { cpuThreads, setSimdKernels } from '../kernels/cpu/wasm/simdKernels.ts';
import { initNodeBackend } from './backend.ts';
import { nodeCpuThreads } from './nodeThreadHost.ts';

// A run records the backend and adapter it trained on; on cpu the adapter says which kernels ran.
describe('initNodeBackend on cpu', () => {
  const stockSetting = process.env.STUDIO_STOCK_KERNELS;
  const threadsSetting = process.env.STUDIO_CPU_THREADS;
  afterEach(async () => {
    if (stockSetting === undefined) delete process.env.STUDIO_STOCK_KERNELS;
    else process.env.STUDIO_STOCK_KERNELS = stockSetting;
    if (threadsSetting === undefined) delete process.env.STUDIO_CPU_THREADS;
    else process.env.STUDIO_CPU_THREADS = threadsSetting;
    setSimdKernels(true);
    await initNodeBackend('cpu');
  });

  it('names the studio’s kernels, their WebAssembly SIMD loops (which Node has) and their threads', async () => {
    delete process.env.STUDIO_STOCK_KERNELS;
    process.env.STUDIO_CPU_THREADS = '3';
    expect(await initNodeBackend('cpu')).toEqual({ backend: 'cpu', adapter: 'fast kernels, WebAssembly SIMD, 3 threads' });
    expect(cpuThreads()).toBe(3);
    process.env.STUDIO_CPU_THREADS = '1';
    expect(await initNodeBackend('cpu')).toEqual({ backend: 'cpu', adapter: 'fast kernels, WebAssembly SIMD' });
    expect(cpuThreads()).toBe(1);
  });

  it('starts one thread per core but one by default (at least one, at most 16), and refuses a malformed STUDIO_CPU_THREADS', () => {
    expect(nodeCpuThreads({}, 1)).toBe(1);
    expect(nodeCpuThreads({}, 2)).toBe(1);
    expect(nodeCpuThreads({}, 8)).toBe(7);
    expect(nodeCpuThreads({}, 64)).toBe(16);
    expect(nodeCpuThreads({})).toBe(Math.max(1, Math.min(16, availableParallelism() - 1)));
    expect(nodeCpuThreads({ STUDIO_CPU_THREADS: '5' })).toBe(5);
    for (const bad of ['0', '2.5', 'many', '-1']) {
      expect(() => nodeCpuThreads({ STUDIO_CPU_THREADS: bad })).toThrow(`STUDIO_CPU_THREADS must be a whole number of at least 1, got "${bad}"`);
    }
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
