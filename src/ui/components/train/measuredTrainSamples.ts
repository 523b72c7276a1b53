import type { RunSpec } from '../../../core/spec/runSpec.ts';
import type { TrainBeginEvent } from '../../../core/train/trainEvent.ts';
import { canonicalJson } from '../../../core/util/stableHash.ts';

/**
 * How many training samples the draft will have, when a run has already loaded the same
 * data and split it the same way: the same source (dataset and version), split, task (an
 * 'auto' split depends on it) and seed. Then the schedule preview is exact rather than an
 * estimate from the dataset size; otherwise undefined.
 */
export function measuredTrainSamples(draft: RunSpec, run: { spec: RunSpec } | undefined, begin: TrainBeginEvent | undefined): number | undefined {
  if (!run || !begin) return undefined;
  const splitOf = (s: RunSpec) => canonicalJson([s.data.source, s.data.split, s.task.kind, s.training.seed]);
  return splitOf(draft) === splitOf(run.spec) ? begin.trainSamples : undefined;
}
