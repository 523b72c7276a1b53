import type * as tfl from '@tensorflow/tfjs-layers';
import type { Architecture } from '../spec/runSpec.ts';
import type { SafetensorsFile } from './safetensors.ts';
import { identifyTorchArchitecture } from './identifyTorchArchitecture.ts';
import { TORCH_SUFFIXES } from './studioTorchTensors.ts';
import { importNamedWeights, type WeightLoadReport } from './importNamedWeights.ts';
import { timmArchitectures, timmName } from './timmName.ts';
import { torchModuleNamer, type TorchModule, type WeightNaming } from './torchModuleNames.ts';

/**
 * Writes a PyTorch state_dict (torchvision's names) into a zoo model, converting each
 * tensor's layout (OIHW → HWIO, depthwise [C, 1, k, k] → [k, k, C, 1], linear [out, in] →
 * [in, out], a 1×1 convolution into a dense layer, a channels-first flatten into tfjs' order),
 * with importNamedWeights' checks: a file for another architecture is refused naming what it
 * holds, a missing or mis-shaped backbone tensor naming it, and nothing is written then.
 */
export function importTorchWeights(model: tfl.LayersModel, file: SafetensorsFile, opts: { architecture: Architecture; naming?: WeightNaming }): WeightLoadReport {
  const namer = torchModuleNamer(opts.architecture);
  if (!namer) throw new Error(`${opts.architecture} is the studio's own model: it has no PyTorch definition to take weights from`);
  const naming = opts.naming ?? 'torchvision';
  if (naming === 'timm' && !timmArchitectures.includes(opts.architecture)) {
    throw new Error(`timm's names are read for ${timmArchitectures.join(', ')}, not ${opts.architecture}: use a file with torchvision's names`);
  }
  // The file's own names, so the load report speaks of the tensors the user has.
  const fileName = (torchvision: string) => (naming === 'timm' ? (timmName(opts.architecture, torchvision) ?? torchvision) : torchvision);
  const layerNames = new Set(model.layers.map((l) => l.name));
  return importNamedWeights(model, {
    architecture: opts.architecture,
    naming,
    tensors: file.tensors,
    notInReference: `not part of ${opts.architecture}'s PyTorch definition (the studio's own head)`,
    newHead: 'new head',
    ignored: (name) => name.endsWith('num_batches_tracked'),
    locate: (layer, variable) => {
      const own = variable.originalName.split('/').pop()!;
      const module = namer(layer.name, { has: (n) => layerNames.has(n) });
      const suffix = TORCH_SUFFIXES[layer.getClassName()]?.[own];
      if (!module || !suffix) return undefined;
      const fileShape = torchShape(layer, own, [...variable.shape] as number[]);
      return {
        from: fileName(`${module.path}.${suffix}`),
        head: module.head === true,
        fileShape,
        // A squeeze-excite 1×1 convolution [out, in, 1, 1] is the zoo's dense [out, in].
        fits: (shape) => sameShape(shape, fileShape) || sameShape(shape.filter((d, i) => i < 2 || d !== 1), fileShape),
        toModel: (data) => toTfjsLayout(data, variable, module, model),
      };
    },
    foreign: (found, backbone) => {
      const held = identifyTorchArchitecture(file);
      const what = held ? `it holds ${held}` : `only ${found} of the ${backbone} backbone tensors ${opts.architecture} needs were found with the right shape`;
      const width = held?.includes(opts.architecture) ? ' (pretrained weights need model.width 1)' : '';
      const timm = held?.startsWith("timm's") && naming !== 'timm' ? ' (a file with timm\'s names needs naming "timm")' : '';
      return `these weights are not for ${opts.architecture} with ${naming}'s names: ${what}${width}${timm}`;
    },
  });
}

const sameShape = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);

/** The shape PyTorch gives the tensor a zoo weight takes. */
function torchShape(layer: tfl.layers.Layer, own: string, shape: number[]): number[] {
  const cls = layer.getClassName();
  if (cls === 'Conv2D' && own === 'kernel') return [shape[3], shape[2], shape[0], shape[1]];
  if (cls === 'DepthwiseConv2D' && own === 'depthwise_kernel') return [shape[2] * shape[3], 1, shape[0], shape[1]];
  if (cls === 'Dense' && own === 'kernel') return [shape[1], shape[0]];
  // PReLU's α is [1, 1, C] with its shared axes, PyTorch's [C].
  return [shape.reduce((a, b) => a * b, 1)];
}

function toTfjsLayout(data: Float32Array, variable: tfl.LayerVariable, module: TorchModule, model: tfl.LayersModel): Float32Array {
  const shape = variable.shape as number[];
  const own = variable.originalName.split('/').pop()!;
  if (own === 'kernel' && shape.length === 4) {
    const [kh, kw, cin, cout] = shape;
    const out = new Float32Array(data.length);
    for (let o = 0; o < cout; o++) for (let c = 0; c < cin; c++) for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) out[((i * kw + j) * cin + c) * cout + o] = data[((o * cin + c) * kh + i) * kw + j];
    return out;
  }
  if (own === 'depthwise_kernel') {
    const [kh, kw, channels, mult] = shape;
    const out = new Float32Array(data.length);
    for (let c = 0; c < channels * mult; c++) for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) out[(i * kw + j) * channels * mult + c] = data[(c * kh + i) * kw + j];
    return out;
  }
  if (own === 'kernel' && shape.length === 2) {
    const [inputs, outputs] = shape;
    const out = new Float32Array(data.length);
    if (module.flattenedFrom === 'chw') {
      // Row (h·W + w)·C + c of tfjs' kernel is column c·H·W + h·W + w of PyTorch's weight.
      const [h, w, c] = flattenedMap(model, variable);
      for (let o = 0; o < outputs; o++) {
        for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let k = 0; k < c; k++) out[((y * w + x) * c + k) * outputs + o] = data[o * inputs + (k * h + y) * w + x];
      }
      return out;
    }
    for (let o = 0; o < outputs; o++) for (let i = 0; i < inputs; i++) out[i * outputs + o] = data[o * inputs + i];
    return out;
  }
  return data;
}

/** [H, W, C] of the map a dense layer's input was flattened from (the zoo names its flatten "flatten"). */
function flattenedMap(model: tfl.LayersModel, variable: tfl.LayerVariable): [number, number, number] {
  const shape = model.getLayer('flatten').inboundNodes[0].inputTensors[0].shape;
  if (shape.length !== 4) throw new Error(`${variable.originalName}: the flatten before it has no [H, W, C] input`);
  return [shape[1], shape[2], shape[3]] as [number, number, number];
}
