import { syntheticSource } from '../core/data/syntheticSource.ts';
import type { RunSpec } from '../core/spec/runSpec.ts';
import { prepareData } from '../core/train/prepareData.ts';
import { Trainer } from '../core/train/trainer.ts';
import { startCountingDispatches, type DispatchCounter } from '../kernels/webgpu/countDispatches.ts';
import type { BenchCase } from './benchCase.ts';
import { samplesPerSecAfterWarmUp } from './samplesPerSecAfterWarmUp.ts';

export interface TrainerTiming {
  samplesPerSec: number;
  /**
   * On webgpu: compute dispatches per training step over the timed epochs (their loss
   * read-backs included). Each costs the host the same whatever its size, so on a fast GPU
   * they bound the step time from below.
   */
  dispatchesPerStep?: number;
}

/**
 * Samples per second of the studio's Trainer on the active tfjs backend: the spec's first
 * epoch is a warm-up (shader compilation, allocation) and is not timed; the rest are. An
 * epoch's duration ends with its loss read-back, so queued GPU work is inside it.
 */
export async function timeTrainer(c: BenchCase, spec: RunSpec, backend: string): Promise<TrainerTiming> {
  const src = spec.data.source as Extract<RunSpec['data']['source'], { kind: 'synthetic' }>;
  const data = await prepareData(
    syntheticSource({ generator: 'shapes', classes: src.classes, perClass: src.perClass, imageSize: c.inputSize, seed: 1 }),
    spec,
  );
  const durations: number[] = [];
  let counter: DispatchCounter | undefined;
  let dispatches = 0;
  const trainer = new Trainer({
    spec,
    data,
    backend,
    onEvent: (e) => {
      if (e.type !== 'epoch') return;
      durations.push(e.durationSec);
      if (counter) dispatches = counter.labels.length;
      else if (backend === 'webgpu') counter = startCountingDispatches();
    },
  });
  try {
    await trainer.fit();
  } finally {
    counter?.stop();
    trainer.dispose();
  }
  const stepsPerEpoch = Math.floor(data.split.train.length / c.batchSize);
  const samplesPerSec = samplesPerSecAfterWarmUp(durations, stepsPerEpoch * c.batchSize);
  return { samplesPerSec, ...(counter ? { dispatchesPerStep: dispatches / ((durations.length - 1) * stepsPerEpoch) } : {}) };
}
