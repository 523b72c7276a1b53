import { parseRunSpec, type Architecture, type RunSpec } from '../core/spec/runSpec.ts';

/** One model, size and batch the bench trains, the same on every host. */
export interface BenchCase {
  architecture: Architecture;
  width: number;
  inputSize: number;
  batchSize: number;
}

/** "resnet18 w0.25 @32": how tables name a case. */
export function benchCaseLabel(c: BenchCase): string {
  return `${c.architecture} w${c.width} @${c.inputSize}`;
}

/**
 * The run spec a bench case trains: generated shapes (no files to read, the same on every
 * host), Adam, no checkpoints and a log window longer than the run, so the loop is timed
 * and not per-step read-backs.
 */
export function benchSpec(c: BenchCase, samples: number, epochs: number): RunSpec {
  return parseRunSpec({
    version: 2,
    name: `bench-${c.architecture}`,
    data: {
      source: { kind: 'synthetic', generator: 'shapes', classes: 4, perClass: Math.ceil(samples / 4) },
      imageSize: c.inputSize,
      split: { train: 1, val: 0, test: 0 },
    },
    model: { architecture: c.architecture, width: c.width, inputSize: c.inputSize },
    task: { kind: 'classification' },
    loss: { type: 'crossEntropy' },
    optimizer: { type: 'adam', lr: 1e-3 },
    training: { epochs, batchSize: c.batchSize, seed: 1, logEverySteps: 1000, checkpoint: { everyEpochs: 0, keepBest: false } },
  });
}

/** Issue 6's four models at sizes stock kernels and SwiftShader finish in minutes: batch 32, 32 px, narrow. */
export const SMALL_BENCH_CASES: readonly BenchCase[] = [
  { architecture: 'smallCnn', width: 0.25, inputSize: 32, batchSize: 32 },
  { architecture: 'resnet18', width: 0.25, inputSize: 32, batchSize: 32 },
  { architecture: 'mobilenetV2', width: 0.35, inputSize: 32, batchSize: 32 },
  { architecture: 'efficientnetB0', width: 0.25, inputSize: 32, batchSize: 32 },
];

/** On a real GPU: the sizes, the four models at full width, 112 px, batch 32 and 64. */
export const GPU_BENCH_CASES: readonly BenchCase[] = (['smallCnn', 'resnet18', 'mobilenetV2', 'efficientnetB0'] as const).flatMap((architecture) =>
  [32, 64].map((batchSize) => ({ architecture, width: 1, inputSize: 112, batchSize })),
);
