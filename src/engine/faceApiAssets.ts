import manifestUrl from '@vladmandic/face-api/model/face_recognition_model-weights_manifest.json?url';
import shardUrl from '@vladmandic/face-api/model/face_recognition_model.bin?url';
import type { TfjsWeight } from '../core/pretrained/tfjsWeightsManifest.ts';
import { fetchFaceApiWeights } from './browserInitialWeights.ts';

/**
 * face-api.js' face recognition weights (6.4 MB, from the installed @vladmandic/face-api) as
 * files of the studio's own build: Vite emits them as hashed assets, the offline service
 * worker caches them with the rest of the build, so the face embedder starts offline.
 * Read once per worker, on first use.
 */
let read: Promise<Map<string, TfjsWeight>> | undefined;

export function faceApiAssetWeights(): Promise<Map<string, TfjsWeight>> {
  read ??= fetchFaceApiWeights(manifestUrl, { 'face_recognition_model.bin': shardUrl }).catch((err: unknown) => {
    read = undefined;
    throw err;
  });
  return read;
}
