import type { RunSpecInput } from '../src/core/spec/runSpec.ts';

/**
 * An example spec cut down to a size the CPU backend trains in seconds: tiny images, a
 * narrow model, a handful of generated images, three epochs. Everything that makes the
 * workflow what it is (task, loss, optimizer, schedule, augmentation, accumulation,
 * clipping, early stopping, checkpoint cadence) is kept as the example has it.
 */
export function shrinkSpec(example: RunSpecInput, epochs = 3): RunSpecInput {
  // A loose view of the JSON: the example's own fields are rewritten in place.
  const spec = structuredClone(example) as unknown as {
    data: Record<string, unknown>;
    model: { architecture: string; inputSize: number; width?: number; embeddingSize?: number; head?: { hidden?: number[] } };
    task: { kind: string };
    training: Record<string, unknown>;
  };
  const kind = spec.task.kind;
  const size = 32;
  spec.data.imageSize = size;
  spec.model.inputSize = size;
  spec.model.width = 0.25;
  if (spec.model.embeddingSize) spec.model.embeddingSize = 16;
  if (spec.model.head?.hidden?.length) spec.model.head.hidden = [16];
  spec.data.source =
    kind === 'embedding'
      ? { kind: 'synthetic', generator: 'faces', classes: 8, perClass: 6 }
      : kind === 'detection'
        ? { kind: 'synthetic', generator: 'boxes', classes: 2, perClass: 12 }
        : { kind: 'synthetic', generator: 'shapes', classes: 3, perClass: 12 };
  if (kind === 'embedding') spec.data.split = { train: 0.5, val: 0.5, test: 0, by: 'identity' };
  spec.training.epochs = epochs;
  spec.training.batchSize = 8;
  return spec as unknown as RunSpecInput;
}
