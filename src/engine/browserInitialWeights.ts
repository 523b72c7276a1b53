import type * as tfl from '@tensorflow/tfjs-layers';
import { importFaceApiWeights } from '../core/pretrained/importFaceApiWeights.ts';
import type { WeightLoadReport } from '../core/pretrained/importNamedWeights.ts';
import { importTorchWeights } from '../core/pretrained/importTorchWeights.ts';
import { readSafetensors } from '../core/pretrained/safetensors.ts';
import { decodeTfjsWeights, manifestPaths, parseWeightsManifest, type TfjsWeight } from '../core/pretrained/tfjsWeightsManifest.ts';
import { faceApiModelOf } from '../core/pretrained/faceApiModels.ts';
import type { Architecture, ModelSpec } from '../core/spec/runSpec.ts';
import type { TrainerOptions } from '../core/train/trainer.ts';
import type { CheckpointSlot } from '../storage/storageRecords.ts';
import type { RunRepo } from '../storage/runRepo.ts';
import type { WeightRepo } from '../storage/weightRepo.ts';
import { sha256Hex } from '../import/sha256Hex.ts';
import { downloadWeights, type DownloadProgress } from '../store/downloadWeights.ts';

export type InitialWeightsSource = NonNullable<ModelSpec['initialWeights']>;
export type LoadedInitialWeights = NonNullable<TrainerOptions['initialWeights']>;

/** Where the browser finds what a spec's initialWeights names. */
export interface InitialWeightsStores {
  runs: Pick<RunRepo, 'getCheckpoint'>;
  /** Pretrained files by SHA-256; without it a safetensors source is refused. */
  weights?: Pick<WeightRepo, 'bytes' | 'put'>;
  /** A file the browser no longer keeps is downloaded again from its URL with this (default: fetch). */
  fetchFn?: typeof fetch;
  /** How far such a download has come. */
  onDownload?: (progress: DownloadProgress) => void;
  /** face-api.js' weights by face-api's file name (`face_recognition_model`), served with the studio (faceApiAssets); without it a faceApi source is refused. */
  faceApiWeights?: (file: string) => Promise<Map<string, TfjsWeight>>;
}

/** A checkpoint to start from: the run's best, else its last, else its final one (an imported run has only that). */
const CHECKPOINT_PREFERENCE: CheckpointSlot[] = ['best', 'last', 'final'];

/**
 * spec.model.initialWeights as the browser resolves them: another run's checkpoint, a PyTorch
 * file kept in IndexedDB under its SHA-256 (the Train form's "Initial weights" keeps it there
 * before the spec names it), or face-api's shipped weights. A source the browser cannot read
 * is refused saying what to do instead.
 */
export async function loadBrowserInitialWeights(source: InitialWeightsSource, stores: InitialWeightsStores, architecture: Architecture): Promise<LoadedInitialWeights> {
  if (source.from === 'faceApi') {
    const network = faceApiModelOf(architecture);
    if (!network) throw new Error(`face-api has no weights for ${architecture}`);
    if (!stores.faceApiWeights) throw new Error("face-api's weights are not served to this engine");
    return { faceApi: await stores.faceApiWeights(network.file) };
  }
  if (source.from === 'tfjs') {
    throw new Error(`model.initialWeights from a tfjs model (${source.path}) is not supported in the browser; start from a run's checkpoint or a safetensors file, or train with the CLI`);
  }
  if (source.from === 'safetensors') {
    if (!source.sha256) {
      throw new Error(`model.initialWeights names the file “${source.path}”, which a browser cannot open by path: choose it (or its URL) under Initial weights in the Train form, which keeps it in this browser`);
    }
    const bytes = (await stores.weights?.bytes(source.sha256)) ?? (await downloadAgain(source.path, source.sha256, stores));
    return { safetensors: readSafetensors(bytes), naming: source.naming };
  }
  for (const slot of CHECKPOINT_PREFERENCE) {
    const ckpt = await stores.runs.getCheckpoint(source.path, slot);
    if (ckpt) return ckpt.weights;
  }
  throw new Error(`model.initialWeights names run "${source.path}", which has no checkpoint to start from`);
}

/**
 * A file the spec names by hash that this browser no longer keeps (its storage was cleared,
 * or the spec came from another browser): when the spec's path is a URL it is downloaded
 * again, checked against the hash and kept, so the run starts as it would have; a file
 * chosen from disk cannot be found again and is asked for.
 */
async function downloadAgain(path: string, sha256: string, stores: InitialWeightsStores): Promise<Uint8Array> {
  const short = `${sha256.slice(0, 12)}…`;
  if (!/^https?:\/\//i.test(path) || !stores.weights) {
    throw new Error(
      `the weights “${path}” (SHA-256 ${short}) are not kept in this browser (its storage was cleared, or the spec came from elsewhere): choose the file or its URL again under Initial weights`,
    );
  }
  const bytes = await downloadWeights(path, { ...(stores.fetchFn ? { fetchFn: stores.fetchFn } : {}), ...(stores.onDownload ? { onProgress: stores.onDownload } : {}) });
  const got = await sha256Hex(bytes);
  if (got !== sha256) {
    throw new Error(`the file at ${path} is not the one the spec names (its SHA-256 is ${got.slice(0, 12)}…, the spec's ${short}): it changed at its source; nothing was kept`);
  }
  await stores.weights.put(bytes, { name: decodeURIComponent(new URL(path).pathname.split('/').pop() || path), url: path });
  return bytes;
}

/**
 * Writes loaded initial weights into a model built for the spec, as the Trainer would, and
 * says what loaded: the load report of a PyTorch or face-api file (a file for another
 * architecture is refused with the importer's one sentence), or a summary of a checkpoint's.
 */
export function importInitialWeights(model: tfl.LayersModel, loaded: LoadedInitialWeights, architecture: ModelSpec['architecture']): WeightLoadReport | undefined {
  if (Array.isArray(loaded)) return undefined;
  if ('faceApi' in loaded) return importFaceApiWeights(model, loaded.faceApi);
  return importTorchWeights(model, loaded.safetensors, { architecture, naming: loaded.naming });
}

/**
 * Reads face-api.js' weights over HTTP: the manifest, then each shard it names, from the
 * URLs the build gave them (`shardUrls`, by the manifest's own file names). Every check of
 * the manifest reader applies: a shard path that climbs out of its folder, a shard missing,
 * or one of the wrong size is refused.
 */
export async function fetchFaceApiWeights(manifestUrl: string, shardUrls: Readonly<Record<string, string>>, fetchFn: typeof fetch = fetch): Promise<Map<string, TfjsWeight>> {
  const get = async (url: string, what: string) => {
    let response: Response;
    try {
      response = await fetchFn(url);
    } catch (err) {
      throw new Error(`face-api's ${what} could not be read from ${url}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    if (!response.ok) throw new Error(`face-api's ${what} could not be read from ${url}: HTTP ${response.status}`);
    return response;
  };
  const manifest = parseWeightsManifest(await (await get(manifestUrl, 'weights manifest')).json());
  const shards = new Map<string, Uint8Array>();
  for (const path of manifestPaths(manifest)) {
    const url = shardUrls[path];
    if (!url) throw new Error(`face-api's weights manifest names the shard ${path}, which the studio does not serve`);
    shards.set(path, new Uint8Array(await (await get(url, `weights (${path})`)).arrayBuffer()));
  }
  return decodeTfjsWeights(manifest, shards);
}
