import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunSpec } from '../core/spec/runSpec.ts';
import { trainRunTorch } from '../node/torchEngine/trainRunTorch.ts';
import type { BenchCase } from '../bench/benchCase.ts';
import { samplesPerSecAfterWarmUp } from '../bench/samplesPerSecAfterWarmUp.ts';

/**
 * Samples per second of the PyTorch engine on a bench spec, with `nproc` DDP processes on
 * this machine (CUDA devices where PyTorch sees them, else the CPU): timed from the engine's
 * own epoch durations, the first epoch a warm-up as timeTrainer's, so the figures compare.
 */
export async function timeTorchEngine(c: BenchCase, spec: RunSpec, nproc: number): Promise<number> {
  const outDir = await mkdtemp(join(tmpdir(), 'studio-bench-torch-'));
  const durations: number[] = [];
  let trainSamples = 0;
  try {
    await trainRunTorch({
      spec,
      outDir,
      launch: { nproc },
      onEvent: (e) => {
        if (e.type === 'trainBegin') trainSamples = e.trainSamples;
        if (e.type === 'epoch') durations.push(e.durationSec);
      },
    });
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
  return samplesPerSecAfterWarmUp(durations, Math.floor(trainSamples / c.batchSize) * c.batchSize);
}
