import { describe, expect, it } from 'vitest';
import type { BenchCase } from './benchCase.ts';
import { ratioColumns, sideBySide, sideBySideLines, type EngineTiming } from './sideBySide.ts';

const small: BenchCase = { architecture: 'smallCnn', width: 0.25, inputSize: 32, batchSize: 32 };
const resnet: BenchCase = { architecture: 'resnet18', width: 0.25, inputSize: 32, batchSize: 32 };
const at = (engine: EngineTiming['engine'], c: BenchCase, samplesPerSec?: number): EngineTiming => ({
  engine,
  case: c,
  timedSteps: 2,
  ...(samplesPerSec === undefined ? { error: 'out of memory' } : { samplesPerSec }),
});

describe('sideBySide', () => {
  it('puts each case on one row and divides the studio by its stock counterparts', () => {
    const rows = sideBySide([
      at('webgpu-studio', small, 90),
      at('webgpu-studio', resnet, 40),
      at('webgpu-stock', small, 30),
      at('webgl', small, 45),
      at('webgpu-stock', resnet, 10),
      at('cpu-studio', small, 50),
      at('cpu-stock', small, 2),
    ]);
    expect(rows.map((r) => r.case.architecture)).toEqual(['smallCnn', 'resnet18']);
    expect(rows[0].samplesPerSec).toEqual({ 'webgpu-studio': 90, 'webgpu-stock': 30, webgl: 45, 'cpu-studio': 50, 'cpu-stock': 2 });
    expect(rows[0].ratios).toEqual([
      { studio: 'webgpu-studio', stock: 'webgpu-stock', speedup: 3 },
      { studio: 'webgpu-studio', stock: 'webgl', speedup: 2 },
      { studio: 'cpu-studio', stock: 'cpu-stock', speedup: 25 },
    ]);
    expect(rows[1].ratios).toEqual([{ studio: 'webgpu-studio', stock: 'webgpu-stock', speedup: 4 }]);
  });

  it('keeps the same model at two batch sizes apart', () => {
    const rows = sideBySide([at('webgpu-studio', small, 90), at('webgpu-studio', { ...small, batchSize: 64 }, 120)]);
    expect(rows.map((r) => r.case.batchSize)).toEqual([32, 64]);
  });

  it('leaves out a ratio whose side failed, and the table says so with a dash', () => {
    const rows = sideBySide([at('webgpu-studio', small, 90), at('webgpu-stock', small), at('webgl', small, 30)]);
    expect(rows[0].ratios).toEqual([{ studio: 'webgpu-studio', stock: 'webgl', speedup: 3 }]);
    const lines = sideBySideLines(rows, ['webgpu-studio', 'webgpu-stock', 'webgl']);
    const cells = lines[2].trim().split(/\s+/);
    expect(cells).toEqual(['smallCnn', 'w0.25', '@32', '32', '90.0', '—', '30.0', '—', '3.00×']);
  });

  it('has a ratio column only for pairs whose engines both ran', () => {
    expect(ratioColumns(['webgpu-studio', 'webgl', 'cpu-stock'])).toEqual([['webgpu-studio', 'webgl']]);
  });
});
