import expressionManifestUrl from '@vladmandic/face-api/model/face_expression_model-weights_manifest.json?url';
import expressionShardUrl from '@vladmandic/face-api/model/face_expression_model.bin?url';
import recognitionManifestUrl from '@vladmandic/face-api/model/face_recognition_model-weights_manifest.json?url';
import recognitionShardUrl from '@vladmandic/face-api/model/face_recognition_model.bin?url';
import type { TfjsWeight } from '../core/pretrained/tfjsWeightsManifest.ts';
import { fetchFaceApiWeights } from './browserInitialWeights.ts';

/**
 * face-api.js' networks the studio starts models from (from the installed @vladmandic/face-api)
 * as files of the studio's own build: Vite emits them as hashed assets, the offline service
 * worker caches them with the rest of the build, so both face recipes start offline.
 */
const ASSETS: Record<string, { manifest: string; shards: Record<string, string> }> = {
  face_recognition_model: { manifest: recognitionManifestUrl, shards: { 'face_recognition_model.bin': recognitionShardUrl } },
  face_expression_model: { manifest: expressionManifestUrl, shards: { 'face_expression_model.bin': expressionShardUrl } },
};

/** Each file is read once per worker, on first use; a failed read is tried again next time. */
const read = new Map<string, Promise<Map<string, TfjsWeight>>>();

/** One of face-api's networks by its file name (`face_recognition_model`, `face_expression_model`). */
export function faceApiAssetWeights(file: string): Promise<Map<string, TfjsWeight>> {
  const asset = ASSETS[file];
  if (!asset) return Promise.reject(new Error(`the studio does not ship face-api's ${file}`));
  let pending = read.get(file);
  if (!pending) {
    pending = fetchFaceApiWeights(asset.manifest, asset.shards).catch((err: unknown) => {
      read.delete(file);
      throw err;
    });
    read.set(file, pending);
  }
  return pending;
}
