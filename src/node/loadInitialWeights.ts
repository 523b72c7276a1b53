import * as tf from '@tensorflow/tfjs-core';
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ModelSpec } from '../core/spec/runSpec.ts';
import type { StoredTensor } from '../core/train/checkpoint.ts';
import { readSafetensors, type SafetensorsFile } from '../core/pretrained/safetensors.ts';
import type { WeightNaming } from '../core/pretrained/torchModuleNames.ts';
import { readWeightsFile, type WeightsDownloadProgress } from './readWeightsFile.ts';
import { RunDirectory } from './runDirectory.ts';

interface ModelJson {
  weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
}

/** Reads a tfjs LayersModel's weights (model.json + shards) from disk, named as the layers name them. */
export async function readTfjsWeights(path: string): Promise<StoredTensor[]> {
  const modelPath = existsSync(path) && statSync(path).isDirectory() ? join(path, 'model.json') : path;
  if (!existsSync(modelPath)) throw new Error(`no tfjs model at ${path} (expected model.json)`);
  const json = JSON.parse(await readFile(modelPath, 'utf8')) as ModelJson;
  const stored: StoredTensor[] = [];
  for (const group of json.weightsManifest) {
    const shards = await Promise.all(group.paths.map((p) => readFile(join(dirname(modelPath), p))));
    const bytes = Buffer.concat(shards);
    const tensors = tf.io.decodeWeights(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength), group.weights);
    for (const spec of group.weights) {
      const t = tensors[spec.name];
      stored.push({ name: spec.name, shape: [...t.shape], data: (await t.data()) as Float32Array });
      t.dispose();
    }
  }
  return stored;
}

/**
 * Loads spec.model.initialWeights for fine-tuning: a studio run directory (its best
 * checkpoint, else its last, else its final one) or a tfjs model, matched to the new model by layer name and
 * shape so a new head keeps its fresh initialization; or a PyTorch safetensors file (a
 * path, or a URL downloaded once into the cache), which the Trainer maps by the
 * architecture's torchvision names.
 */
export async function loadInitialWeights(
  source: NonNullable<ModelSpec['initialWeights']>,
  opts: { onProgress?: (p: WeightsDownloadProgress) => void } = {},
): Promise<StoredTensor[] | { safetensors: SafetensorsFile; naming: WeightNaming }> {
  if (source.from === 'tfjs') return readTfjsWeights(source.path);
  if (source.from === 'safetensors') {
    const file = await readWeightsFile(source.path, opts);
    return { safetensors: readSafetensors(file.bytes), naming: source.naming };
  }
  const run = new RunDirectory(source.path);
  // A run `studio import-weights` wrote has only its final checkpoint.
  const name = run.hasCheckpoint('best') ? 'best' : run.hasCheckpoint('last') ? 'last' : 'final';
  return (await run.readCheckpoint(name)).weights;
}
