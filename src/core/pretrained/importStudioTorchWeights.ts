import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Architecture } from '../spec/runSpec.ts';
import type { SafetensorsFile } from './safetensors.ts';
import { studioTorchTensors } from './studioTorchTensors.ts';

/** Tensors a studio-torch file may hold that are not the model's: PyTorch's batch counters, the loss' variables. */
const notModel = (name: string) => name.endsWith('num_batches_tracked') || name.startsWith('loss.');

/**
 * Writes a whole model back from a file in studio-torch names (what exportTorchWeights or the
 * torch engine wrote): backbone and head alike. Unlike importTorchWeights, which starts a new
 * head fresh, nothing may be missing, extra or of another shape — each is an Error naming the
 * tensor, and the model keeps its weights then. Returns the names written.
 */
export function importStudioTorchWeights(model: tfl.LayersModel, file: SafetensorsFile, architecture: Architecture): string[] {
  const expected = studioTorchTensors(model, architecture);
  const problems: string[] = [];
  const planned: { variable: tfl.LayerVariable; data: Float32Array }[] = [];
  for (const t of expected) {
    const found = file.tensors.get(t.name);
    if (!found) problems.push(`${t.name} is missing`);
    else if (!found.data) problems.push(`${t.name} is ${found.dtype}, not a floating-point tensor`);
    else if (found.shape.length !== t.shape.length || found.shape.some((d, i) => d !== t.shape[i])) problems.push(`${t.name} is [${found.shape.join(', ')}] where ${t.variable.originalName} needs [${t.shape.join(', ')}]`);
    else planned.push({ variable: t.variable, data: t.fromTorch(found.data) });
  }
  const names = new Set(expected.map((t) => t.name));
  for (const name of file.tensors.keys()) if (!names.has(name) && !notModel(name)) problems.push(`${name} is not part of this ${architecture}`);
  if (problems.length > 0) {
    throw new Error(`the file does not match this ${architecture} tensor for tensor, so nothing was loaded: ${problems.slice(0, 3).join('; ')}${problems.length > 3 ? `; and ${problems.length - 3} more` : ''}`);
  }
  for (const p of planned) {
    const t = tf.tensor(p.data, p.variable.shape as number[]);
    p.variable.write(t);
    t.dispose();
  }
  return expected.map((t) => t.name);
}
