import manifest from '@vladmandic/face-api/model/face_recognition_model-weights_manifest.json';
import shardUrl from '@vladmandic/face-api/model/face_recognition_model.bin?url';
import { decodeTfjsWeights, parseWeightsManifest, type TfjsWeight } from '../core/pretrained/tfjsWeightsManifest.ts';

/**
 * face-api.js' face descriptor weights (model.initialWeights `{from: "faceApi"}`), served by
 * the studio itself: Vite copies the package's 6.4 MB shard into the build as an asset, so
 * a classroom offline (the service worker caches it once fetched) needs no network.
 */
export async function fetchFaceApiWeights(fetchFn: typeof fetch = fetch): Promise<Map<string, TfjsWeight>> {
  const parsed = parseWeightsManifest(manifest);
  const response = await fetchFn(shardUrl);
  if (!response.ok) throw new Error(`face-api's weights could not be read from the studio (${shardUrl}: HTTP ${response.status})`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  // The manifest names its one shard by file name; the asset URL has a content hash in it.
  const [path] = parsed.flatMap((group) => group.paths);
  return decodeTfjsWeights(parsed, new Map([[path, bytes]]));
}
