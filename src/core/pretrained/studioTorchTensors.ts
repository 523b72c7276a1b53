import type * as tfl from '@tensorflow/tfjs-layers';
import type { Architecture } from '../spec/runSpec.ts';
import { torchModuleNamer } from './torchModuleNames.ts';

/** Each weighted layer class's variables and the PyTorch suffix each one takes (importTorchWeights reads by them too). */
export const TORCH_SUFFIXES: Record<string, Record<string, string>> = {
  Conv2D: { kernel: 'weight', bias: 'bias' },
  DepthwiseConv2D: { depthwise_kernel: 'weight', bias: 'bias' },
  Dense: { kernel: 'weight', bias: 'bias' },
  BatchNormalization: { gamma: 'weight', beta: 'bias', moving_mean: 'running_mean', moving_variance: 'running_var' },
  PReLU: { alpha: 'weight' },
};

/** Layers between a flatten and the dense layer after it that pass values through unchanged. */
const PASS_THROUGH = new Set(['Dropout', 'SeededDropout']);

/** One variable of a zoo model as a tensor of a PyTorch state_dict in studio-torch names. */
export interface StudioTorchTensor {
  /** The state_dict key: torchvision's path where the family's namer has one, else `<zoo layer>.<suffix>`. */
  name: string;
  variable: tfl.LayerVariable;
  /** The shape PyTorch gives it. */
  shape: number[];
  /** tfjs' values in PyTorch's layout. */
  toTorch(data: Float32Array): Float32Array;
  /** PyTorch's values in tfjs' layout. */
  fromTorch(data: Float32Array): Float32Array;
}

type Layout = Pick<StudioTorchTensor, 'shape' | 'toTorch' | 'fromTorch'>;

/**
 * Every variable of a zoo model with its studio-torch name (docs/torch-engine.md) and layout
 * conversion, in the model's layer order. Layers torchvision (or insightface) defines keep
 * its names, as importTorchWeights reads them; the studio's own layers (heads, `mlp`,
 * `smallCnn`) are named after the zoo layer. A layer with weights but no PyTorch counterpart
 * (dlib's channel affine) is refused naming it, so no file silently lacks a tensor.
 */
export function studioTorchTensors(model: tfl.LayersModel, architecture: Architecture): StudioTorchTensor[] {
  const namer = torchModuleNamer(architecture);
  const layerNames = new Set(model.layers.map((l) => l.name));
  const out: StudioTorchTensor[] = [];
  for (const layer of model.layers) {
    if (layer.weights.length === 0) continue;
    const suffixes = TORCH_SUFFIXES[layer.getClassName()];
    if (!suffixes) throw new Error(`layer ${layer.name} (${layer.getClassName()}) has no PyTorch counterpart in studio-torch names`);
    const module = namer?.(layer.name, { has: (n) => layerNames.has(n) });
    for (const variable of layer.weights) {
      const own = variable.originalName.split('/').pop()!;
      const suffix = suffixes[own];
      if (!suffix) throw new Error(`${variable.originalName}: no PyTorch name for a ${layer.getClassName()}'s ${own}`);
      // torchvision's squeeze-excite is two 1×1 convolutions where the zoo has dense layers.
      const asConv = module !== undefined && /_se_(reduce|expand)$/.test(layer.name);
      out.push({ name: `${module?.path ?? layer.name}.${suffix}`, variable, ...layout(layer, own, variable, asConv) });
    }
  }
  return out;
}

function layout(layer: tfl.layers.Layer, own: string, variable: tfl.LayerVariable, asConv: boolean): Layout {
  const shape = [...variable.shape] as number[];
  const cls = layer.getClassName();
  if (cls === 'Conv2D' && own === 'kernel') {
    const [kh, kw, cin, cout] = shape;
    // tfjs index ((i·kw + j)·cin + c)·cout + o is PyTorch's ((o·cin + c)·kh + i)·kw + j.
    return permutation([cout, cin, kh, kw], (visit) => {
      for (let o = 0; o < cout; o++) for (let c = 0; c < cin; c++) for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) visit(((i * kw + j) * cin + c) * cout + o, ((o * cin + c) * kh + i) * kw + j);
    });
  }
  if (cls === 'DepthwiseConv2D' && own === 'depthwise_kernel') {
    const [kh, kw, channels, mult] = shape;
    const c = channels * mult;
    return permutation([c, 1, kh, kw], (visit) => {
      for (let k = 0; k < c; k++) for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) visit((i * kw + j) * c + k, (k * kh + i) * kw + j);
    });
  }
  if (cls === 'Dense' && own === 'kernel') {
    const [inputs, outputs] = shape;
    const map = flattenedMap(layer);
    if (map) {
      // Row (y·W + x)·C + k of tfjs' kernel is column (k·H + y)·W + x of PyTorch's weight.
      const [h, w, c] = map;
      return permutation([outputs, inputs], (visit) => {
        for (let o = 0; o < outputs; o++) for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let k = 0; k < c; k++) visit(((y * w + x) * c + k) * outputs + o, o * inputs + (k * h + y) * w + x);
      });
    }
    return permutation(asConv ? [outputs, inputs, 1, 1] : [outputs, inputs], (visit) => {
      for (let o = 0; o < outputs; o++) for (let i = 0; i < inputs; i++) visit(i * outputs + o, o * inputs + i);
    });
  }
  // Biases, batch-norm vectors, and PReLU's α ([1, 1, C] with its shared axes, PyTorch's [C]).
  return { shape: [shape.reduce((a, b) => a * b, 1)], toTorch: (d) => d.slice(), fromTorch: (d) => d.slice() };
}

/** A layout change given as pairs (tfjs index, PyTorch index), applied either way. */
function permutation(shape: number[], pairs: (visit: (tf: number, torch: number) => void) => void): Layout {
  return {
    shape,
    toTorch: (data) => {
      const out = new Float32Array(data.length);
      pairs((tf, torch) => (out[torch] = data[tf]));
      return out;
    },
    fromTorch: (data) => {
      const out = new Float32Array(data.length);
      pairs((tf, torch) => (out[tf] = data[torch]));
      return out;
    },
  };
}

/** [H, W, C] of the map a dense layer's input was flattened from (through dropout), if it was. */
function flattenedMap(layer: tfl.layers.Layer): [number, number, number] | undefined {
  let source = layer.inboundNodes[0]?.inboundLayers[0];
  while (source && PASS_THROUGH.has(source.getClassName())) source = source.inboundNodes[0]?.inboundLayers[0];
  if (!source || source.getClassName() !== 'Flatten') return undefined;
  const shape = source.inboundNodes[0].inputTensors[0].shape;
  return shape.length === 4 ? ([shape[1], shape[2], shape[3]] as [number, number, number]) : undefined;
}
