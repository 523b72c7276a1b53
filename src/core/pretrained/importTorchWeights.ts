import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Architecture } from '../spec/runSpec.ts';
import type { SafetensorsFile } from './safetensors.ts';
import { identifyTorchArchitecture } from './identifyTorchArchitecture.ts';
import { torchModuleNamer, type TorchModule, type WeightNaming } from './torchModuleNames.ts';

/** One weight of the model and where it came from, or why it was left as initialized. */
export interface WeightLoadReport {
  architecture: Architecture;
  /** PyTorch's names (importTorchWeights), or face-api.js' manifest names (importFaceApiWeights). */
  naming: WeightNaming | 'face-api';
  /** Model weight ← file tensor. */
  loaded: { weight: string; from: string }[];
  /** Left as initialized: a new head, or a part the file does not hold. */
  fresh: { weight: string; reason: string }[];
  /** A file tensor for this weight whose shape does not fit (both shapes in PyTorch's layout). */
  mismatched: { weight: string; from: string; fileShape: number[]; modelShape: number[]; head: boolean }[];
  /** File tensors nothing in the model took (num_batches_tracked is not counted: batch norm keeps no such count). */
  unused: string[];
}

const SUFFIXES: Record<string, Record<string, string>> = {
  Conv2D: { kernel: 'weight', bias: 'bias' },
  DepthwiseConv2D: { depthwise_kernel: 'weight', bias: 'bias' },
  Dense: { kernel: 'weight', bias: 'bias' },
  BatchNormalization: { gamma: 'weight', beta: 'bias', moving_mean: 'running_mean', moving_variance: 'running_var' },
  PReLU: { alpha: 'weight' },
};

interface Planned {
  variable: tfl.LayerVariable;
  weight: string;
  from: string;
  module: TorchModule;
  data: Float32Array;
}

/**
 * Writes a PyTorch state_dict (torchvision's names) into a zoo model, converting each
 * tensor's layout (OIHW → HWIO, depthwise [C, 1, k, k] → [k, k, C, 1], linear [out, in] →
 * [in, out], a 1×1 convolution into a dense layer, a channels-first flatten into tfjs' order).
 * Everything is checked before anything is written: a file made for another architecture
 * (fewer than half the backbone's weights found with the right shape) is refused in one
 * sentence naming what it holds, a backbone tensor missing or of the wrong shape is refused
 * naming it, and the model keeps its weights. A head the file lacks or whose class count
 * differs stays fresh, and the report says so.
 */
export function importTorchWeights(model: tfl.LayersModel, file: SafetensorsFile, opts: { architecture: Architecture; naming?: WeightNaming }): WeightLoadReport {
  const naming = opts.naming ?? 'torchvision';
  const namer = torchModuleNamer(opts.architecture);
  if (!namer) throw new Error(`${opts.architecture} is the studio's own model: it has no PyTorch definition to take weights from`);
  const layerNames = new Set(model.layers.map((l) => l.name));
  const report: WeightLoadReport = { architecture: opts.architecture, naming, loaded: [], fresh: [], mismatched: [], unused: [] };
  const used = new Set<string>();
  const planned: Planned[] = [];
  let backbone = 0;
  let backboneFound = 0;
  const missing: string[] = [];
  for (const layer of model.layers) {
    if (layer.weights.length === 0) continue;
    const module = namer(layer.name, { has: (n) => layerNames.has(n) });
    const suffixes = SUFFIXES[layer.getClassName()];
    for (const variable of layer.weights) {
      const weight = variable.originalName;
      const own = weight.split('/').pop()!;
      if (!module || !suffixes?.[own]) {
        report.fresh.push({ weight, reason: `not part of ${opts.architecture}'s PyTorch definition (the studio's own head)` });
        continue;
      }
      if (!module.head) backbone++;
      const from = `${module.path}.${suffixes[own]}`;
      const tensor = file.tensors.get(from);
      if (!tensor) {
        if (!module.head) missing.push(from);
        report.fresh.push({ weight, reason: `the file has no ${from}` });
        continue;
      }
      used.add(from);
      if (!tensor.data) {
        report.fresh.push({ weight, reason: `${from} is ${tensor.dtype}, not a floating-point tensor` });
        continue;
      }
      const modelShape = torchShape(layer, own, [...variable.shape] as number[]);
      if (!sameShape(tensor.shape, modelShape) && !sameShape(tensor.shape.filter((d, i) => i < 2 || d !== 1), modelShape)) {
        report.mismatched.push({ weight, from, fileShape: tensor.shape, modelShape, head: module.head === true });
        continue;
      }
      if (!module.head) backboneFound++;
      planned.push({ variable, weight, from, module, data: tensor.data });
    }
  }
  if (backbone === 0 || backboneFound < backbone / 2) {
    const found = identifyTorchArchitecture(file);
    const what = found ? `it holds ${found}` : `only ${backboneFound} of the ${backbone} backbone tensors ${opts.architecture} needs were found with the right shape`;
    const width = backboneFound < backbone / 2 && found?.includes(opts.architecture) ? ' (pretrained weights need model.width 1)' : '';
    throw new Error(`these weights are not for ${opts.architecture} with torchvision's names: ${what}${width}`);
  }
  const misfits = report.mismatched.filter((m) => !m.head).map((m) => `${m.from} is [${m.fileShape.join(', ')}] where ${m.weight} needs [${m.modelShape.join(', ')}]`);
  const gaps = [...missing.map((m) => `${m} is missing`), ...misfits];
  if (gaps.length > 0) {
    // A backbone with a few random layers in it would train, badly, with nothing saying why.
    throw new Error(`the file does not hold all of ${opts.architecture}'s backbone, so nothing was loaded: ${gaps.slice(0, 3).join('; ')}${gaps.length > 3 ? `; and ${gaps.length - 3} more` : ''}`);
  }
  for (const m of report.mismatched) {
    if (m.head) report.fresh.push({ weight: m.weight, reason: `new head: the file's ${m.from} is [${m.fileShape.join(', ')}], this model needs [${m.modelShape.join(', ')}]` });
  }
  for (const p of planned) {
    const values = toTfjsLayout(p.data, p.variable, p.module, model);
    const t = tf.tensor(values, p.variable.shape as number[]);
    p.variable.write(t);
    t.dispose();
    report.loaded.push({ weight: p.weight, from: p.from });
  }
  for (const name of file.tensors.keys()) if (!used.has(name) && !name.endsWith('num_batches_tracked')) report.unused.push(name);
  return report;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

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

/** The report in a few plain lines: what loaded, what stayed fresh and why, what did not fit. */
export function describeWeightLoadReport(r: WeightLoadReport): string[] {
  const lines = [`loaded ${r.loaded.length} tensors into ${r.architecture} (${r.naming} names)`];
  const freshLayers = new Map<string, string>();
  for (const f of r.fresh) freshLayers.set(f.weight.split('/')[0], f.reason);
  for (const [layer, reason] of freshLayers) lines.push(`left fresh: ${layer} — ${reason}`);
  for (const m of r.mismatched.filter((x) => !x.head)) {
    lines.push(`shape mismatch: ${m.weight} ← ${m.from}: the file has [${m.fileShape.join(', ')}], the model needs [${m.modelShape.join(', ')}]`);
  }
  if (r.unused.length > 0) lines.push(`not used from the file: ${r.unused.slice(0, 8).join(', ')}${r.unused.length > 8 ? `, and ${r.unused.length - 8} more` : ''}`);
  return lines;
}
