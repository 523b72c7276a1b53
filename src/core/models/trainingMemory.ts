import type * as tfl from '@tensorflow/tfjs-layers';
import type { OptimizerConfig } from '../spec/runSpec.ts';
import { modelCost } from './modelCost.ts';

/** What training one model at one batch size holds in memory, and what one image costs. */
export interface TrainingMemory {
  params: number;
  /** float32 weights. */
  weightBytes: number;
  /** Weights + gradients + optimizer slots. */
  optimizerBytes: number;
  /** Activations kept for the backward pass at the batch size. */
  activationBytes: number;
  totalBytes: number;
  macs: number;
  flops: number;
}

export interface TrainingMemoryOptions {
  batchSize: number;
  /**
   * The optimizer, or only its type. Given only 'sgd', the momentum buffer is counted,
   * since the figure is an upper bound; the full config says whether momentum is on.
   */
  optimizer: OptimizerConfig | OptimizerConfig['type'];
  /** Trainable variables outside the model (a margin head's class centres): weights, gradients and slots too. */
  extraTrainableParams?: number;
  /** Above 1 the Trainer keeps a running sum of gradients between updates: one more gradient-sized buffer. */
  gradientAccumulation?: number;
}

const BYTES_PER_FLOAT32 = 4;

/** Per-parameter buffers each optimizer keeps (src/core/optim: SGD's momentum, Adam's two moments). */
function optimizerSlots(optimizer: TrainingMemoryOptions['optimizer']): number {
  const config = typeof optimizer === 'string' ? undefined : optimizer;
  switch (config?.type ?? optimizer) {
    case 'sgd':
      return config?.type === 'sgd' && config.momentum === 0 ? 0 : 1;
    case 'adam':
    case 'adamw':
      return 2;
    default:
      throw new Error(`trainingMemory: unknown optimizer ${JSON.stringify(optimizer)}`);
  }
}

function elements(shape: readonly (number | null)[]): number {
  return shape.slice(1).reduce<number>((acc, d) => acc * (d ?? 1), 1);
}

function outputElements(layer: tfl.layers.Layer): number {
  const shape = layer.outputShape as (number | null)[] | (number | null)[][];
  return Array.isArray(shape[0]) ? (shape as (number | null)[][]).reduce((acc, s) => acc + elements(s), 0) : elements(shape as (number | null)[]);
}

/**
 * Output elements per image of every layer, recursing into nested models. Input layers
 * are skipped: a nested model's input is its caller's output, counted there, and the
 * outer model's inputs are added once by the caller.
 */
function activationElements(model: tfl.LayersModel): number {
  let total = 0;
  for (const layer of model.layers) {
    if (layer.getClassName() === 'InputLayer') continue;
    const nested = layer as tfl.layers.Layer & Partial<Pick<tfl.LayersModel, 'layers'>>;
    total += nested.layers ? activationElements(layer as tfl.LayersModel) : outputElements(layer);
  }
  return total;
}

/**
 * Memory one training step needs: float32 weights, a gradient and the optimizer's slots
 * per trainable weight, and the activations backprop keeps (every layer's output at the
 * batch size, the input batch included). It is an estimate: kernel workspaces, the
 * temporaries of a fused op and the allocator's rounding are not counted, and a layer
 * whose output backprop does not need (a ReLU after a conv) is counted anyway.
 */
export function trainingMemory(model: tfl.LayersModel, options: TrainingMemoryOptions): TrainingMemory {
  const cost = modelCost(model);
  const extra = options.extraTrainableParams ?? 0;
  const trainable = cost.trainableParams + extra;
  const params = cost.params + extra;
  const weightBytes = BYTES_PER_FLOAT32 * params;
  const gradientBuffers = (options.gradientAccumulation ?? 1) > 1 ? 2 : 1;
  const optimizerBytes = weightBytes + BYTES_PER_FLOAT32 * trainable * (gradientBuffers + optimizerSlots(options.optimizer));
  const inputs = model.inputs.reduce((acc, t) => acc + elements(t.shape), 0);
  const activationBytes = BYTES_PER_FLOAT32 * options.batchSize * (inputs + activationElements(model));
  return {
    params,
    weightBytes,
    optimizerBytes,
    activationBytes,
    totalBytes: optimizerBytes + activationBytes,
    macs: cost.macs,
    flops: cost.flops,
  };
}
