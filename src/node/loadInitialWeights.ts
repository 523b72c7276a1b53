import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ModelSpec } from '../core/spec/runSpec.ts';
import type { StoredTensor } from '../core/train/checkpoint.ts';
import { readSafetensors, type SafetensorsFile } from '../core/pretrained/safetensors.ts';
import type { WeightNaming } from '../core/pretrained/torchModuleNames.ts';
import type { TfjsWeight } from '../core/pretrained/tfjsWeightsManifest.ts';
import { faceApiModelOf } from '../core/pretrained/faceApiModels.ts';
import { readFaceApiWeights } from './readFaceApiWeights.ts';
import { readManifestShards } from './readManifestShards.ts';
import { readWeightsFile, type WeightsDownloadProgress } from './readWeightsFile.ts';
import { RunDirectory } from './runDirectory.ts';

/**
 * Reads a tfjs LayersModel's weights (model.json + shards) from disk, named as the layers
 * name them; shards are read only from the model's own folder (readManifestShards).
 */
export async function readTfjsWeights(path: string): Promise<StoredTensor[]> {
  const modelPath = existsSync(path) && statSync(path).isDirectory() ? join(path, 'model.json') : path;
  if (!existsSync(modelPath)) throw new Error(`no tfjs model at ${path} (expected model.json)`);
  let json: { weightsManifest?: unknown };
  try {
    json = JSON.parse(await readFile(modelPath, 'utf8')) as { weightsManifest?: unknown };
  } catch (e) {
    throw new Error(`${modelPath} is not JSON: ${(e as Error).message}`, { cause: e });
  }
  const weights = await readManifestShards(dirname(modelPath), json.weightsManifest, modelPath);
  return [...weights].map(([name, w]) => ({ name, shape: w.shape, data: w.data }));
}

/**
 * Loads spec.model.initialWeights for fine-tuning: a studio run directory (its best
 * checkpoint, else its last, else its final one) or a tfjs model, matched to the new model by layer name and
 * shape so a new head keeps its fresh initialization; or a PyTorch safetensors file (a
 * path, or a URL downloaded once into the cache; when the spec gives its sha256, only that
 * file), which the Trainer maps by the
 * architecture's torchvision names; or the weights of the face-api.js network the
 * architecture is (faceApiModels.ts) from the installed @vladmandic/face-api.
 */
export async function loadInitialWeights(
  model: Pick<ModelSpec, 'architecture'> & { initialWeights: NonNullable<ModelSpec['initialWeights']> },
  opts: { onProgress?: (p: WeightsDownloadProgress) => void } = {},
): Promise<StoredTensor[] | { safetensors: SafetensorsFile; naming: WeightNaming } | { faceApi: Map<string, TfjsWeight> }> {
  const source = model.initialWeights;
  if (source.from === 'tfjs') return readTfjsWeights(source.path);
  if (source.from === 'faceApi') {
    const network = faceApiModelOf(model.architecture);
    if (!network) throw new Error(`face-api has no weights for ${model.architecture}`);
    return { faceApi: await readFaceApiWeights(undefined, network.file) };
  }
  if (source.from === 'safetensors') {
    const file = await readWeightsFile(source.path, opts);
    // A spec that names the file's hash (the studio's, or one written to pin the weights) trains only on that file.
    if (source.sha256 !== undefined && file.sha256 !== source.sha256) {
      throw new Error(`the weights at ${source.path} hash to ${file.sha256}, not the spec's sha256 ${source.sha256}: another file than the spec names; nothing was trained (fix the path, or drop sha256 to take this file)`);
    }
    return { safetensors: readSafetensors(file.bytes), naming: source.naming };
  }
  const run = new RunDirectory(source.path);
  // A run `studio import-weights` wrote has only its final checkpoint.
  const name = run.hasCheckpoint('best') ? 'best' : run.hasCheckpoint('last') ? 'last' : 'final';
  return (await run.readCheckpoint(name)).weights;
}
