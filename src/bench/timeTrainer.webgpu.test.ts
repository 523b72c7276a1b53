import { afterAll, describe, expect, it } from 'vitest';
import { captureStudioKernels, setStudioKernels } from '../kernels/setStudioKernels.ts';
import { STUDIO_KERNEL_SETS } from '../kernels/studioKernelSets.ts';
import { benchSpec, type BenchCase } from './benchCase.ts';
import { timeTrainer } from './timeTrainer.ts';

// The bench's dispatch count is the figure that stands for a GPU's launch cost; this holds
// it to what the studio's fusions are for, on a case small enough for stock on SwiftShader.
const CASE: BenchCase = { architecture: 'smallCnn', width: 0.25, inputSize: 16, batchSize: 4 };
const restore = captureStudioKernels([STUDIO_KERNEL_SETS.webgpu]);
afterAll(restore);

describe('timeTrainer on webgpu', () => {
  it('counts the dispatches of a timed step: the studio’s kernels a third of stock’s or fewer', async () => {
    setStudioKernels([STUDIO_KERNEL_SETS.webgpu], false);
    const stock = await timeTrainer(CASE, benchSpec(CASE, 8, 2), 'webgpu');
    setStudioKernels([STUDIO_KERNEL_SETS.webgpu], true);
    const studio = await timeTrainer(CASE, benchSpec(CASE, 8, 2), 'webgpu');
    for (const t of [stock, studio]) {
      expect(t.samplesPerSec).toBeGreaterThan(0);
      // A step is at least a forward and a backward launch per layer and an update per variable.
      expect(t.dispatchesPerStep).toBeGreaterThan(20);
    }
    expect(studio.dispatchesPerStep!).toBeLessThan(stock.dispatchesPerStep! / 3);
  });
});
