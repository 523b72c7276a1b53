import type * as tfl from '@tensorflow/tfjs-layers';

export interface ModelCost {
  /** Every weight, trainable or not (batch-norm moving statistics included): what a save stores. */
  params: number;
  /** Weights the optimizer updates; comparable with PyTorch's parameter counts. */
  trainableParams: number;
  /** float32 storage of all weights: 4 · params. */
  bytes: number;
  /** Multiply-accumulates for one image. */
  macs: number;
  /** 2 · macs. */
  flops: number;
}

const BYTES_PER_FLOAT32 = 4;
/**
 * Layers whose cost is a kernel swept over the output: conv2d, depthwise conv and dense
 * (whose "kernel" is its [in, out] matrix). Batch norm, activations, pooling, additions
 * and SE gating multiplies are not counted: they are memory-bound and small, and
 * leaving them out is the convention of torchvision's and most papers' figures.
 */
const KERNEL_LAYERS = new Set(['Conv2D', 'DepthwiseConv2D', 'Dense']);

function product(dims: readonly (number | null)[]): number {
  return dims.reduce<number>((acc, d) => acc * (d ?? 1), 1);
}

/**
 * For all three kernel layers one output element along the last axis costs one MAC per
 * kernel element feeding it: conv2d  H·W · (k·k·Cin·Cout), depthwise  H·W · (k·k·Cin·mult),
 * dense  (positions) · (in·out). So MACs = (output positions) · (kernel size), where
 * positions are the output's dims without the batch and the channel axis.
 */
function layerMacs(layer: tfl.layers.Layer): number {
  if (!KERNEL_LAYERS.has(layer.getClassName())) return 0;
  const kernel = layer.weights.find((w) => /kernel$/.test(w.originalName));
  if (!kernel) return 0;
  const shape = layer.outputShape as (number | null)[];
  return product(shape.slice(1, -1)) * product(kernel.shape);
}

function totalMacs(model: tfl.LayersModel): number {
  let macs = 0;
  for (const layer of model.layers) {
    const nested = layer as tfl.layers.Layer & Partial<Pick<tfl.LayersModel, 'layers'>>;
    macs += nested.layers ? totalMacs(layer as tfl.LayersModel) : layerMacs(layer);
  }
  return macs;
}

/**
 * Size and compute of a model: parameters from its weights, MACs per layer from each
 * layer's output shape and kernel (see `layerMacs`), FLOPs counted as 2 · MACs (one
 * multiply and one add). Many tables (torchvision's "GFLOPS", seed 003's "GFLOPs")
 * print MACs under the name FLOPs; compare those with `macs`.
 */
export function modelCost(model: tfl.LayersModel): ModelCost {
  const count = (ws: tfl.LayerVariable[]) => ws.reduce((acc, w) => acc + product(w.shape), 0);
  const params = count(model.weights);
  const macs = totalMacs(model);
  return { params, trainableParams: count(model.trainableWeights), bytes: BYTES_PER_FLOAT32 * params, macs, flops: 2 * macs };
}
