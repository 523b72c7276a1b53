import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { WeightLoadReport } from './importTorchWeights.ts';
import { faceApiWeightName } from './faceApiWeightName.ts';
import type { TfjsWeight } from './tfjsWeightsManifest.ts';

interface Planned {
  variable: tfl.LayerVariable;
  weight: string;
  from: string;
  data: Float32Array;
}

const sameShape = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);

/**
 * Writes face-api.js' face recognition weights (decoded from its manifest and .bin by
 * `decodeTfjsWeights`) into a faceRecognitionNet, by name; both are in tfjs' layout
 * (conv HWIO, dense [in, out]), so nothing is transposed. The same checks as the PyTorch
 * importer, before anything is written: a file that is not this network's (fewer than half
 * the backbone's weights found with the right shape) is refused in one sentence naming what
 * it holds; a backbone weight missing or of another shape is refused, naming it; an
 * embedding of another width than the file's 128 starts fresh and the report says so.
 */
export function importFaceApiWeights(model: tfl.LayersModel, weights: ReadonlyMap<string, TfjsWeight>): WeightLoadReport {
  const report: WeightLoadReport = { architecture: 'faceRecognitionNet', naming: 'face-api', loaded: [], fresh: [], mismatched: [], unused: [] };
  if (model.name !== 'faceRecognitionNet') throw new Error(`face-api's face recognition weights are for faceRecognitionNet, not ${model.name}`);
  const used = new Set<string>();
  const planned: Planned[] = [];
  const missing: string[] = [];
  let backbone = 0;
  let backboneFound = 0;
  for (const layer of model.layers) {
    const module = faceApiWeightName(layer.name);
    for (const variable of layer.weights) {
      const weight = variable.originalName;
      const own = weight.split('/').pop()!;
      const suffix = module?.weights[own];
      if (!module || suffix === undefined) {
        report.fresh.push({ weight, reason: "not part of face-api's face recognition network (the studio's own head)" });
        continue;
      }
      if (!module.head) backbone++;
      const from = suffix ? `${module.prefix}/${suffix}` : module.prefix;
      const tensor = weights.get(from);
      if (!tensor) {
        if (!module.head) missing.push(from);
        report.fresh.push({ weight, reason: `the file has no ${from}` });
        continue;
      }
      used.add(from);
      const modelShape = [...variable.shape] as number[];
      if (!sameShape(tensor.shape, modelShape)) {
        report.mismatched.push({ weight, from, fileShape: tensor.shape, modelShape, head: module.head === true });
        continue;
      }
      if (!module.head) backboneFound++;
      planned.push({ variable, weight, from, data: tensor.data });
    }
  }
  if (backbone === 0 || backboneFound < backbone / 2) {
    const names = [...weights.keys()];
    const what = names.length === 0 ? 'it holds no weights' : `only ${backboneFound} of the ${backbone} backbone weights were found with the right shape; it holds ${names.slice(0, 3).join(', ')}${names.length > 3 ? ', …' : ''}`;
    const width = backboneFound < backbone / 2 && report.mismatched.length > backbone / 2 ? ' (pretrained weights need model.width 1)' : '';
    throw new Error(`these weights are not face-api's face recognition model: ${what}${width}`);
  }
  const gaps = [...missing.map((m) => `${m} is missing`), ...report.mismatched.filter((m) => !m.head).map((m) => `${m.from} is [${m.fileShape.join(', ')}] where ${m.weight} needs [${m.modelShape.join(', ')}]`)];
  if (gaps.length > 0) {
    // A backbone with a few random layers in it would train, badly, with nothing saying why.
    throw new Error(`the file does not hold all of faceRecognitionNet's backbone, so nothing was loaded: ${gaps.slice(0, 3).join('; ')}${gaps.length > 3 ? `; and ${gaps.length - 3} more` : ''}`);
  }
  for (const m of report.mismatched) {
    if (m.head) report.fresh.push({ weight: m.weight, reason: `new embedding: the file's ${m.from} is [${m.fileShape.join(', ')}], this model needs [${m.modelShape.join(', ')}]` });
  }
  for (const p of planned) {
    const t = tf.tensor(p.data, p.variable.shape as number[]);
    p.variable.write(t);
    t.dispose();
    report.loaded.push({ weight: p.weight, from: p.from });
  }
  for (const name of weights.keys()) if (!used.has(name)) report.unused.push(name);
  return report;
}
