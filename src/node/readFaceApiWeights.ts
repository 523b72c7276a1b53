import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { TfjsWeight } from '../core/pretrained/tfjsWeightsManifest.ts';
import { readManifestShards } from './readManifestShards.ts';

/** face-api.js' name for the face recognition network's files (`<name>-weights_manifest.json`, `<name>.bin`). */
export const FACE_RECOGNITION_MODEL = 'face_recognition_model';

/**
 * The folder holding face-api.js' model files: FACE_API_MODEL_DIR when set, else the
 * `model/` folder of the installed @vladmandic/face-api package.
 */
export function faceApiModelDir(): string {
  if (process.env.FACE_API_MODEL_DIR) return process.env.FACE_API_MODEL_DIR;
  try {
    return join(dirname(createRequire(import.meta.url).resolve('@vladmandic/face-api/package.json')), 'model');
  } catch (err) {
    throw new Error('face-api.js weights not found: install @vladmandic/face-api, or set FACE_API_MODEL_DIR to a folder holding face_recognition_model-weights_manifest.json and its .bin', { cause: err });
  }
}

/**
 * Reads one of face-api.js' models (its weights manifest and the shards it names, from one
 * folder) into decoded float32 weights by name. A missing, malformed or truncated file is
 * refused naming the file.
 */
export async function readFaceApiWeights(dir = faceApiModelDir(), model = FACE_RECOGNITION_MODEL): Promise<Map<string, TfjsWeight>> {
  const manifestPath = join(dir, `${model}-weights_manifest.json`);
  if (!existsSync(manifestPath)) throw new Error(`no face-api.js weights manifest at ${manifestPath}`);
  let json: unknown;
  try {
    json = JSON.parse(await readFile(manifestPath, 'utf8'));
  } catch (e) {
    throw new Error(`${manifestPath} is not JSON: ${(e as Error).message}`, { cause: e });
  }
  return readManifestShards(dir, json, manifestPath);
}
