import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Architecture } from '../spec/runSpec.ts';
import type { WeightNaming } from './torchModuleNames.ts';

/** One weight of the model and where it came from, or why it was left as initialized. */
export interface WeightLoadReport {
  architecture: Architecture;
  /** PyTorch's names (importTorchWeights), or face-api.js' manifest names (importFaceApiWeights). */
  naming: WeightNaming | 'face-api';
  /** Model weight ← file tensor. */
  loaded: { weight: string; from: string }[];
  /** Left as initialized: a new head, or a part the file does not hold. */
  fresh: { weight: string; reason: string }[];
  /** A file tensor for this weight whose shape does not fit (both shapes in the file's layout). */
  mismatched: { weight: string; from: string; fileShape: number[]; modelShape: number[]; head: boolean }[];
  /** File tensors nothing in the model took (and that the source does not ignore). */
  unused: string[];
}

/** Where a model weight lives in a file, and how its values become the weight's. */
export interface WeightLocation {
  /** The file's name for the tensor. */
  from: string;
  /** Part of the reference head, which a model with another class count or width leaves fresh. */
  head: boolean;
  /** The weight's shape as the file stores it. */
  fileShape: number[];
  /** Whether a file tensor of this shape fits (default: exactly `fileShape`). */
  fits?: (shape: readonly number[]) => boolean;
  /** The file's values in tfjs' layout (default: as they are). */
  toModel?: (data: Float32Array) => Float32Array;
}

/** A file of named weights as an importer sees it. */
export interface NamedWeights {
  architecture: Architecture;
  naming: WeightLoadReport['naming'];
  tensors: ReadonlyMap<string, { shape: number[]; data?: Float32Array; dtype?: string }>;
  /** Where a layer's weight lives in the file; undefined for a weight the reference network has not. */
  locate(layer: tfl.layers.Layer, variable: tfl.LayerVariable): WeightLocation | undefined;
  /** Why a weight `locate` does not place stays fresh. */
  notInReference: string;
  /** The sentence refusing a file made for something else (fewer than half the backbone found; `misfits` were there with another shape). */
  foreign(found: number, backbone: number, misfits: number): string;
  /** What a head that does not fit is called in the report ("new head", "new embedding"). */
  newHead: string;
  /** File tensors never expected to be used. */
  ignored?: (name: string) => boolean;
}

const sameShape = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);

interface Planned {
  variable: tfl.LayerVariable;
  location: WeightLocation;
  data: Float32Array;
}

/**
 * Writes a file's named weights into a model, after checking all of them: a file made for
 * something else (fewer than half the backbone's weights found with the right shape) is
 * refused in one sentence, a backbone weight missing or of another shape is refused naming
 * it — a backbone with a few random layers would train badly with nothing saying why — and
 * the model keeps its weights. A head the file lacks, or of another shape, starts fresh and
 * the report says so.
 */
export function importNamedWeights(model: tfl.LayersModel, file: NamedWeights): WeightLoadReport {
  const report: WeightLoadReport = { architecture: file.architecture, naming: file.naming, loaded: [], fresh: [], mismatched: [], unused: [] };
  const used = new Set<string>();
  const planned: Planned[] = [];
  const missing: string[] = [];
  let backbone = 0;
  let backboneFound = 0;
  for (const layer of model.layers) {
    for (const variable of layer.weights) {
      const weight = variable.originalName;
      const location = file.locate(layer, variable);
      if (!location) {
        report.fresh.push({ weight, reason: file.notInReference });
        continue;
      }
      const { from, head } = location;
      if (!head) backbone++;
      const tensor = file.tensors.get(from);
      if (!tensor) {
        if (!head) missing.push(from);
        report.fresh.push({ weight, reason: `the file has no ${from}` });
        continue;
      }
      used.add(from);
      if (!tensor.data) {
        report.fresh.push({ weight, reason: `${from} is ${tensor.dtype}, not a floating-point tensor` });
        continue;
      }
      if (!(location.fits ?? ((s) => sameShape(s, location.fileShape)))(tensor.shape)) {
        report.mismatched.push({ weight, from, fileShape: tensor.shape, modelShape: location.fileShape, head });
        continue;
      }
      if (!head) backboneFound++;
      planned.push({ variable, location, data: tensor.data });
    }
  }
  if (backbone === 0 || backboneFound < backbone / 2) throw new Error(file.foreign(backboneFound, backbone, report.mismatched.filter((m) => !m.head).length));
  const gaps = [
    ...missing.map((m) => `${m} is missing`),
    ...report.mismatched.filter((m) => !m.head).map((m) => `${m.from} is [${m.fileShape.join(', ')}] where ${m.weight} needs [${m.modelShape.join(', ')}]`),
  ];
  if (gaps.length > 0) {
    throw new Error(`the file does not hold all of ${file.architecture}'s backbone, so nothing was loaded: ${gaps.slice(0, 3).join('; ')}${gaps.length > 3 ? `; and ${gaps.length - 3} more` : ''}`);
  }
  for (const m of report.mismatched) {
    if (m.head) report.fresh.push({ weight: m.weight, reason: `${file.newHead}: the file's ${m.from} is [${m.fileShape.join(', ')}], this model needs [${m.modelShape.join(', ')}]` });
  }
  for (const p of planned) {
    const t = tf.tensor(p.location.toModel ? p.location.toModel(p.data) : p.data, p.variable.shape as number[]);
    p.variable.write(t);
    t.dispose();
    report.loaded.push({ weight: p.variable.originalName, from: p.location.from });
  }
  for (const name of file.tensors.keys()) if (!used.has(name) && !file.ignored?.(name)) report.unused.push(name);
  return report;
}

/** The report in a few plain lines: what loaded, what stayed fresh and why, what did not fit. */
export function describeWeightLoadReport(r: WeightLoadReport): string[] {
  const lines = [`loaded ${r.loaded.length} tensors into ${r.architecture} (${r.naming} names)`];
  const freshLayers = new Map<string, string>();
  for (const f of r.fresh) if (!freshLayers.has(f.weight.split('/')[0])) freshLayers.set(f.weight.split('/')[0], f.reason);
  for (const [layer, reason] of freshLayers) lines.push(`left fresh: ${layer} — ${reason}`);
  if (r.unused.length > 0) lines.push(`not used from the file: ${r.unused.slice(0, 8).join(', ')}${r.unused.length > 8 ? `, and ${r.unused.length - 8} more` : ''}`);
  return lines;
}
