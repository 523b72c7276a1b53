import type { RunSpecInput } from '../src/core/spec/runSpec.ts';

/** How far `shrinkSpec` cuts an example down. */
export interface ShrinkSize {
  imageSize: number;
  width: number;
  /** Generated images per class (classification; embeddings and boxes keep their own counts). */
  perClass: number;
  batchSize: number;
  /** The head's one hidden layer, where the example has one. */
  hidden: number;
}

/** What every example is cut to unless its test asks for more. */
export const SMALLEST: ShrinkSize = { imageSize: 32, width: 0.25, perClass: 12, batchSize: 8, hidden: 16 };

/**
 * An example spec cut down to a size the CPU backend trains in seconds: tiny images, a
 * narrow model, a handful of generated images, three epochs. Everything that makes the
 * workflow what it is (task, loss, optimizer, schedule, augmentation, accumulation,
 * clipping, early stopping, checkpoint cadence) is kept as the example has it.
 */
export function shrinkSpec(example: RunSpecInput, epochs = 3, size: ShrinkSize = SMALLEST): RunSpecInput {
  // A loose view of the JSON: the example's own fields are rewritten in place.
  const spec = structuredClone(example) as unknown as {
    data: Record<string, unknown>;
    model: { architecture: string; inputSize: number; width?: number; embeddingSize?: number; head?: { hidden?: number[] } };
    task: { kind: string };
    training: Record<string, unknown>;
  };
  const kind = spec.task.kind;
  spec.data.imageSize = size.imageSize;
  spec.model.inputSize = size.imageSize;
  spec.model.width = size.width;
  if (spec.model.embeddingSize) spec.model.embeddingSize = 16;
  if (spec.model.head?.hidden?.length) spec.model.head.hidden = [size.hidden];
  spec.data.source =
    kind === 'embedding'
      ? { kind: 'synthetic', generator: 'faces', classes: 8, perClass: 6 }
      : kind === 'detection'
        ? { kind: 'synthetic', generator: 'boxes', classes: 2, perClass: 12 }
        : { kind: 'synthetic', generator: 'shapes', classes: 3, perClass: size.perClass };
  if (kind === 'embedding') spec.data.split = { train: 0.5, val: 0.5, test: 0, by: 'identity' };
  spec.training.epochs = epochs;
  spec.training.batchSize = size.batchSize;
  return spec as unknown as RunSpecInput;
}
