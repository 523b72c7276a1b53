import type { RunSpecInput } from '../src/core/spec/runSpec.ts';

/**
 * Test support only: a classification spec the CPU backend trains in about a second
 * (smallCnn at quarter width on 8 px generated shapes, 18 images, batches of 4).
 */
export function tinyRunSpec(epochs: number, source: RunSpecInput['data']['source'] = { kind: 'synthetic', generator: 'shapes', classes: 3, perClass: 6 }): RunSpecInput {
  return {
    version: 2,
    data: { source, imageSize: 8 },
    model: { architecture: 'smallCnn', inputSize: 8, width: 0.25 },
    task: { kind: 'classification' },
    loss: { type: 'crossEntropy' },
    optimizer: { type: 'adam', lr: 0.01 },
    training: { epochs, batchSize: 4, seed: 5 },
  } as RunSpecInput;
}
