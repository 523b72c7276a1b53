import { parseRunSpec, type RunSpecInput } from '../../core/spec/runSpec.ts';
import { stableHash } from '../../core/util/stableHash.ts';
import type { RunRepo } from '../../storage/runRepo.ts';
import type { RunRecord } from '../../storage/storageRecords.ts';

/**
 * Test support only: a classification spec the CPU backend trains in about a second
 * (smallCnn at quarter width on 8 px generated shapes, 18 images, batches of 4).
 */
export function tinyRunSpec(epochs: number, source: RunSpecInput['data']['source'] = { kind: 'synthetic', generator: 'shapes', classes: 3, perClass: 6 }): RunSpecInput {
  return {
    version: 1,
    data: { source, imageSize: 8 },
    model: { architecture: 'smallCnn', inputSize: 8, width: 0.25 },
    task: { kind: 'classification' },
    loss: { type: 'crossEntropy' },
    optimizer: { type: 'adam', lr: 0.01 },
    training: { epochs, batchSize: 4, seed: 5 },
  } as RunSpecInput;
}

/** Test support only: stores a queued run of `spec`, as the page does before it says "train". */
export function storeRun(runs: RunRepo, spec: RunSpecInput, id: string): Promise<RunRecord> {
  const parsed = parseRunSpec(spec);
  return runs.create({
    id,
    name: id,
    tags: [],
    spec: parsed,
    specHash: stableHash(parsed),
    architecture: parsed.model.architecture,
    status: 'queued',
    createdAt: Date.now(),
    activeSec: 0,
    epochsDone: 0,
    step: 0,
  });
}
