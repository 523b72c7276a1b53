import { describe, expect, it } from 'vitest';
import { BENCH_ENGINES, benchEngines, engineSteps } from './benchEngines.ts';

describe('benchEngines', () => {
  it('returns the named engines in the bench order', () => {
    expect(benchEngines(['webgl', 'webgpu-studio']).map((e) => e.id)).toEqual(['webgpu-studio', 'webgl']);
  });

  it('names an unknown engine and lists the known ones', () => {
    expect(() => benchEngines(['webgl', 'wasm'])).toThrow(/unknown bench engine 'wasm'; known: webgpu-studio, webgpu-stock, webgl, cpu-studio, cpu-stock/);
  });

  it('times at least one step on every engine', () => {
    const cpuStock = BENCH_ENGINES.find((e) => e.id === 'cpu-stock');
    const studio = BENCH_ENGINES.find((e) => e.id === 'webgpu-studio');
    expect(cpuStock && engineSteps(cpuStock, 1)).toBe(1);
    expect(cpuStock && engineSteps(cpuStock, 6)).toBe(2);
    expect(studio && engineSteps(studio, 3)).toBe(6);
  });
});
