import type { TrainingSpec } from '../spec/runSpec.ts';

export interface EpochPlan {
  /** Drop a ragged last batch when there is more than one batch: a batch of one breaks batch-norm statistics. */
  dropLast: boolean;
  microBatches: number;
  /** Optimizer updates per epoch; a partial accumulation at the end of an epoch still updates. */
  stepsPerEpoch: number;
}

/** How an epoch of `trainSamples` divides into micro-batches and optimizer updates. */
export function epochPlan(trainSamples: number, training: Pick<TrainingSpec, 'batchSize' | 'gradientAccumulation'>): EpochPlan {
  const dropLast = trainSamples >= 2 * training.batchSize;
  const microBatches = dropLast ? Math.floor(trainSamples / training.batchSize) : Math.ceil(trainSamples / training.batchSize);
  return { dropLast, microBatches, stepsPerEpoch: Math.ceil(microBatches / training.gradientAccumulation) };
}
